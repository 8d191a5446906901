# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The repository stands on its own: comments and documents cite only files inside it.

The design notes and the API reference the project started from live outside the
repository, so a citation of one of their numbered sections (or of their files) is a dead
end for a Galaxy or GitHub reader. What a contributor needs from them is in
docs/developer/API.md and docs/developer/DESIGN.md, cited by heading
(``docs/developer/API.md#orders``). A second test checks that every such heading exists.

The folder of unmerged patches keeps the text of the commits it holds.
"""

from __future__ import annotations

import os
import re
import typing as t

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEVELOPER_DOCS = "docs/developer"

# Local state, build output and caches: never part of the repository.
SKIPPED_DIRS = frozenset((
    ".git", ".venv", ".venv-eda", ".cache", ".ansible", ".pytest_cache", ".mypy_cache", ".hypothesis",
    "__pycache__", "build", "dist", "node_modules",
))
SKIPPED_PATHS = ("tests/output/",)
PENDING = "docs/developer/pending/"  # unmerged work kept as git format-patch output
SELF = "tests/unit/test_self_contained.py"  # its examples and patterns are citations on purpose
# Folders and files whose citations are not checked, relative to the root.
EXCLUDED = (
    PENDING,
    SELF,
)

SECTION = "\u00a7"  # the section sign
OUTSIDE_CITATIONS = (
    # "DESIGN <section sign>2", "REFERENCE.md <section sign>1", "REFERENCE <section sign>14 #16"
    (re.compile(r"\b(?:DESIGN|REFERENCE)(?:\.md)?\s*" + SECTION), "a numbered section of the design or reference document"),
    # a bare section number: the documents here are cited by heading, never by number
    (re.compile(SECTION + r"\s*\d"), "a numbered section of a document outside the repository"),
    (re.compile(r"\.\./shared\b|\bshared/(?:DESIGN|api/)"), "a path outside the repository"),
    (re.compile(r"\bREFERENCE(?:\.md)?\b"), "the API reference document outside the repository"),
)
HINT = "cite docs/developer/API.md#<heading> or docs/developer/DESIGN.md#<heading> instead, or explain it in place"

# "docs/developer/API.md#orders", "../../docs/developer/API.md#dns", "[API.md](API.md#users)", "DESIGN.md#proof"
ANCHOR_CITATION = re.compile(r"(?<![\w.-])(?:[\w./-]*/)?(API|DESIGN|ARCHITECTURE|BENCHMARK)\.md#([\w-]+)")
LOCAL_LINK = re.compile(r"\]\(#([\w-]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
CODE_FENCE = re.compile(r"^\s*(```|~~~)")


def repository_files() -> t.Iterator[str]:
    """Paths (relative, with /) of the text files of the repository."""
    for folder, dirs, files in os.walk(ROOT):
        relative_folder = os.path.relpath(folder, ROOT).replace(os.sep, "/")
        prefix = "" if relative_folder == "." else relative_folder + "/"
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not (prefix + d + "/").startswith(SKIPPED_PATHS))
        for name in sorted(files):
            yield prefix + name


def read_text(path: str) -> t.Optional[str]:
    """The file's text, or None for a binary file."""
    with open(os.path.join(ROOT, path), "rb") as handle:
        content = handle.read()
    if b"\0" in content:
        return None
    return content.decode("utf-8", "replace")


def outside_citations(text: str) -> list[tuple[int, str, str]]:
    """(line number, line, what it cites) for every citation of a document outside the repository."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, what in OUTSIDE_CITATIONS:
            if pattern.search(line):
                found.append((number, line.strip(), what))
                break
    return found


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", lambda match: match.group(1) or "", heading)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading anchor of a Markdown text (repeated headings get GitHub's -1, -2 suffixes)."""
    seen: dict[str, int] = {}
    result = set()
    in_code = False
    for line in markdown.splitlines():
        if CODE_FENCE.match(line):
            in_code = not in_code
            continue
        match = None if in_code else HEADING.match(line)
        if match:
            anchor = github_anchor(match.group(1))
            count = seen.get(anchor, 0)
            seen[anchor] = count + 1
            result.add(anchor if count == 0 else "%s-%d" % (anchor, count))
    return result


def developer_doc_anchors() -> dict[str, set[str]]:
    docs = {}
    for name in ("API", "DESIGN", "ARCHITECTURE", "BENCHMARK"):
        text = read_text("%s/%s.md" % (DEVELOPER_DOCS, name))
        docs[name] = anchors(text or "")
    return docs


def test_no_citation_of_documents_outside_the_repository() -> None:
    problems = []
    for path in repository_files():
        if path.startswith(EXCLUDED):
            continue
        text = read_text(path)
        for number, line, what in outside_citations(text or ""):
            problems.append("%s:%d cites %s: %s" % (path, number, what, line[:160]))
    assert not problems, "%d citation(s) of documents outside the repository (%s):\n%s" % (len(problems), HINT, "\n".join(problems))


def test_cited_headings_exist() -> None:
    """Every ``<doc>.md#anchor`` cited anywhere (plugins/ included) and every ``(#anchor)`` link of the
    developer documents names a heading that exists."""
    docs = developer_doc_anchors()
    problems = []
    for path in repository_files():
        if path.startswith((PENDING, SELF)):
            continue
        text = read_text(path) or ""
        own = anchors(text) if path.startswith(DEVELOPER_DOCS + "/") and path.endswith(".md") else None
        for number, line in enumerate(text.splitlines(), 1):
            for name, anchor in ANCHOR_CITATION.findall(line):
                if anchor not in docs[name]:
                    problems.append("%s:%d: %s.md has no heading #%s" % (path, number, name, anchor))
            if own is not None:
                problems += ["%s:%d: no heading #%s in this file" % (path, number, anchor) for anchor in LOCAL_LINK.findall(line) if anchor not in own]
    assert not problems, "links to headings that do not exist:\n" + "\n".join(problems)


@pytest.mark.parametrize("line", [
    "# Retry policy (DESIGN " + SECTION + "2, which overrides",
    "USER_UPDATE = ...  # full object (REFERENCE " + SECTION + "14.16)",
    "paths marked inferred (REFERENCE.md " + SECTION + "1)",
    "both forms (" + SECTION + "14 #16)",
    "The product design is `../shared/DESIGN.md` (outside this repo)",
    "see REFERENCE.md, marked inferred there",
    "# REFERENCE: receivers must reject deliveries older than five minutes.",
])
def test_outside_citations_are_found(line: str) -> None:
    assert outside_citations(line), line


@pytest.mark.parametrize("line", [
    "# Retry policy (docs/developer/DESIGN.md#retries)",
    "See [DESIGN.md](DESIGN.md#lost-answers) and docs/developer/API.md#orders.",
    "reference model of the API; the shared client reads it",
    "a cross-reference to tests/simulator/README.md",
])
def test_inside_citations_pass(line: str) -> None:
    assert not outside_citations(line), line


@pytest.mark.parametrize(("heading", "anchor"), [
    ("Authentication and envelope", "authentication-and-envelope"),
    ("Domain auto-renew method", "domain-auto-renew-method"),
    ("Warm-up", "warm-up"),
    ("`_api.py` — the API map", "_apipy--the-api-map"),
    ("Confirmation and cost limits", "confirmation-and-cost-limits"),
])
def test_github_anchor(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor


def test_a_missing_heading_is_reported() -> None:
    docs = developer_doc_anchors()
    assert "orders" in docs["API"] and "lost-answers" in docs["DESIGN"]
    assert "no-such-heading" not in docs["API"]
