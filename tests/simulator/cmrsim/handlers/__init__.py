"""API handlers, one module per area; importing this package registers every route.

A new ``handlers/<area>.py`` needs no registration anywhere: it is imported here.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
