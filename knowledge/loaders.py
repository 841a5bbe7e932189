"""Turn files into `SourceDoc`s: Markdown, HTML, plain text, PDF and FAQ tables (CSV, JSONL).

A loader raises `UnsupportedFile` with a reason a person can act on; the ingester reports it by
file name and goes on with the rest.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.errors import SupportbotError
from bot.core.links import safe_url

logger = logging.getLogger(__name__)


class UnsupportedFile(SupportbotError):
    pass


@dataclass(frozen=True, slots=True)
class Section:
    heading: tuple[str, ...]  # heading path below the title, e.g. ("Billing", "Refunds")
    text: str


@dataclass(frozen=True, slots=True)
class SourceDoc:
    source: str  # the path as given to ingest, or "<path>#<row id>" for a FAQ row
    title: str
    url: str | None
    sections: tuple[Section, ...]
    kind: str  # "article" | "faq"

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for part in (self.title, self.url or "", self.kind):
            digest.update(part.encode() + b"\0")
        for section in self.sections:
            digest.update("/".join(section.heading).encode() + b"\0" + section.text.encode() + b"\0")
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class FaqColumns:
    question: str = "question"
    answer: str = "answer"
    id: str = "id"
    url: str = "url"


TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf", ".csv", ".jsonl"}
_URL_LINE = re.compile(r"^\s*(?:url|link|source)\s*:\s*(https?://\S+)\s*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _link(url: str | None, source: str) -> str | None:
    """A document's URL if it may become a link for customers (bot/core/links.py); else None, said once in the log."""
    if url is None or not url.strip():
        return None
    checked = safe_url(url)
    if checked is None:
        logger.warning("%s: its URL is not an http(s) or site-relative link; the document is kept without a link", source)
    return checked


def _title_from_name(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnsupportedFile("not valid UTF-8 or Windows-1252 text")


def _strip_front_matter(text: str) -> tuple[str, dict[str, str]]:
    meta: dict[str, str] = {}
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            for line in text[4:end].splitlines():
                key, sep, value = line.partition(":")
                if sep:
                    meta[key.strip().lower()] = value.strip().strip("\"'")
            text = text[end + 4 :]
    return text, meta


# a line that starts a block of its own in Markdown: a list item, a quote, a table row, an HTML line
_MD_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d{1,9}[.)]\s|>|\||<)")


def _unwrapped(lines: list[str]) -> list[str]:
    """Markdown's soft line breaks as the spaces they are: a paragraph or list item hard-wrapped in the file
    ("Download links stay valid\n  for 48 hours.") is one line, as a browser shows it; otherwise answers quoted
    it with the file's breaks, and a sentence cut at a break read as two. Code fences, blank lines, hard breaks
    (two trailing spaces or a backslash) and lines that start a block of their own are kept."""
    out: list[str] = []
    in_code = False
    joinable = False  # may the next line continue the last one?
    for line in lines:
        fence = line.lstrip().startswith("```")
        if in_code or fence:
            in_code = in_code != fence
            out.append(line)
            joinable = False
            continue
        if not line.strip():
            out.append(line)
            joinable = False
            continue
        if joinable and not _MD_BLOCK_START.match(line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
        last = out[-1]
        joinable = not (last.endswith(("  ", "\\")) or last.lstrip().startswith(("|", "<")))
    return out


def load_markdown(path: Path, source: str) -> SourceDoc:
    text, meta = _strip_front_matter(_read_text(path))
    title = meta.get("title", "")
    url = meta.get("url")
    stack: list[tuple[int, str]] = []
    sections: list[Section] = []
    buffer: list[str] = []
    in_code = False

    def flush() -> None:
        body = "\n".join(_unwrapped(buffer)).strip()
        if body:
            sections.append(Section(heading=tuple(h for _, h in stack), text=body))
        buffer.clear()

    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = None if in_code else _MD_HEADING.match(line)
        if match:
            level, heading = len(match.group(1)), match.group(2).strip()
            if level == 1 and not title:
                flush()
                title = heading
                continue
            flush()
            stack = [(lvl, h) for lvl, h in stack if lvl < level] + [(level, heading)]
            continue
        url_match = _URL_LINE.match(line)
        if url_match and url is None and not sections and not "".join(buffer).strip():
            url = url_match.group(1)
            continue
        buffer.append(line)
    flush()
    return SourceDoc(source=source, title=title or _title_from_name(path), url=_link(url, source), sections=tuple(sections), kind="article")


_BOILERPLATE = "script, style, noscript, nav, header, footer, aside, form, iframe, svg, template, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true]"
_BOILERPLATE_CLASSES = re.compile(r"(^|[\s_-])(nav|navbar|menu|sidebar|breadcrumbs?|footer|header|cookie|banner|skip|toc)([\s_-]|$)", re.I)


# the space the text nodes' separator puts before closing punctuation and after an opening bracket:
# "<b>Privacy</b>." read "Privacy ." (in answers too); the colon, semicolon, ! and ? keep theirs (French spaces them)
_SPACED = re.compile(r" (?=[.,)\]])|(?<=[(\[]) ")


def _tidy(text: str) -> str:
    return _SPACED.sub("", text)


def load_html(path: Path, source: str) -> SourceDoc:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(_read_text(path))
    canonical = tree.css_first('link[rel="canonical"]')
    url = canonical.attributes.get("href") if canonical else None
    og_url = tree.css_first('meta[property="og:url"]')
    if url is None and og_url is not None:
        url = og_url.attributes.get("content")
    head_title = tree.css_first("title")
    for node in tree.css(_BOILERPLATE):
        node.decompose()
    for node in tree.css("[class], [id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag not in {"html", "body", "main", "article"} and _BOILERPLATE_CLASSES.search(marker):
            node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body
    if root is None:
        raise UnsupportedFile("HTML without a body")
    h1 = root.css_first("h1")
    title = (h1.text(strip=True) if h1 else "") or (head_title.text(strip=True) if head_title else "")
    sections: list[Section] = []
    heading: tuple[str, ...] = ()
    buffer: list[str] = []
    for node in root.css("h1, h2, h3, h4, p, li, pre, td, th, dt, dd, blockquote"):
        if node.tag in {"h1", "h2", "h3", "h4"}:
            if buffer:
                sections.append(Section(heading=heading, text="\n".join(buffer)))
                buffer = []
            text = node.text(strip=True)
            heading = () if node.tag == "h1" else (text,) if node.tag == "h2" else (*heading[:1], text)
            continue
        if node.parent is not None and node.parent.tag in {"li", "blockquote"} and node.tag == "p":
            continue  # already taken with its parent
        text = _tidy(" ".join(node.text(separator=" ").split()))
        if text:
            buffer.append(f"- {text}" if node.tag == "li" else text)
    if buffer:
        sections.append(Section(heading=heading, text="\n".join(buffer)))
    if not sections:
        raise UnsupportedFile("no readable text after removing navigation and boilerplate")
    return SourceDoc(source=source, title=title or _title_from_name(path), url=_link(url, source), sections=tuple(sections), kind="article")


def load_text(path: Path, source: str) -> SourceDoc:
    text = _read_text(path).strip()
    lines = text.splitlines()
    url = None
    if lines and (match := _URL_LINE.match(lines[0])):
        url, lines = match.group(1), lines[1:]
    title = _title_from_name(path)
    # a short first line set apart is the title; a file of one line is its body ("no text to answer from"
    # skipped a one-line note: its only line was taken for the title)
    if len(lines) > 1 and 0 < len(lines[0].strip()) <= 120 and not lines[1].strip():
        title, lines = lines[0].strip(), lines[1:]
    body = "\n".join(lines).strip()
    return SourceDoc(source=source, title=title, url=_link(url, source), sections=(Section((), body),) if body else (), kind="article")


def load_pdf(path: Path, source: str) -> SourceDoc:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, OSError) as exc:
        raise UnsupportedFile(f"unreadable PDF ({exc})") from None
    sections = tuple(Section((f"Page {i}",), text) for i, text in enumerate(pages, 1) if text)
    if not sections:
        raise UnsupportedFile("PDF has no extractable text (scanned images are not supported)")
    return SourceDoc(source=source, title=meta_title.strip() or _title_from_name(path), url=None, sections=sections, kind="article")


def _faq_rows(path: Path) -> Iterator[dict[str, str]]:
    if path.suffix.lower() == ".csv":
        text = _read_text(path)
        reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
        for row in reader:
            yield {str(k).strip(): (v or "") for k, v in row.items() if k is not None}
        return
    for lineno, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise UnsupportedFile(f"line {lineno} is not valid JSON") from None
        if not isinstance(item, dict):
            raise UnsupportedFile(f"line {lineno} is not a JSON object")
        yield {str(k): "" if v is None else str(v) for k, v in item.items()}


def _delimiter(text: str) -> str:
    """The CSV's separator, read from its header line: a comma, else a semicolon or a tab (a spreadsheet
    saved with a European locale writes `question;answer`, which was one column and refused)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," in header:
        return ","
    return max((";", "\t"), key=header.count) if (";" in header or "\t" in header) else ","


def _columns_of(row: dict[str, str], columns: FaqColumns) -> dict[str, str]:
    """The row with its columns named as `columns` says, whatever their case: `Question,Answer` (as most
    exports write them) was refused for want of `question` and `answer`."""
    wanted = {name.casefold(): name for name in (columns.question, columns.answer, columns.id, columns.url)}
    out = dict(row)
    for key, value in row.items():
        name = wanted.get(key.casefold())
        if name is not None and name not in row:
            out[name] = value
    return out


def load_faq(path: Path, source: str, columns: FaqColumns) -> list[SourceDoc]:
    docs: list[SourceDoc] = []
    seen: set[str] = set()
    for index, row in enumerate(_faq_rows(path), 1):
        row = _columns_of(row, columns)
        if columns.question not in row or columns.answer not in row:
            raise UnsupportedFile(
                f"no {columns.question!r} and {columns.answer!r} columns (found {sorted(row)[:8]}); "
                "name them with --question-column/--answer-column"
            )
        question, answer = row[columns.question].strip(), row[columns.answer].strip()
        if not question or not answer:
            continue
        row_id = row.get(columns.id, "").strip() or f"row-{index}"
        if row_id in seen:
            row_id = f"{row_id}-{index}"
        seen.add(row_id)
        url = _link(row.get(columns.url, ""), f"{source}#{row_id}")
        docs.append(SourceDoc(source=f"{source}#{row_id}", title=question, url=url, sections=(Section((), answer),), kind="faq"))
    if not docs:
        raise UnsupportedFile("no rows with both a question and an answer")
    return docs


def load_file(path: Path, source: str, *, columns: FaqColumns = FaqColumns()) -> list[SourceDoc]:
    suffix = path.suffix.lower()
    if suffix in {".md", ".markdown"}:
        return [load_markdown(path, source)]
    if suffix in {".html", ".htm"}:
        return [load_html(path, source)]
    if suffix in {".txt", ".text"}:
        return [load_text(path, source)]
    if suffix == ".pdf":
        return [load_pdf(path, source)]
    if suffix in {".csv", ".jsonl"}:
        return load_faq(path, source, columns)
    raise UnsupportedFile(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(TEXT_SUFFIXES))}")
