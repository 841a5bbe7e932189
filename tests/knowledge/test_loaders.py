from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.chunking import MAX_CHARS, chunk_document, split_text
from knowledge.loaders import FaqColumns, UnsupportedFile, load_file


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with real text objects (what a help-center export looks like to pypdf)."""
    text_ops = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(text_ops)} >>\nstream\n{text_ops}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_markdown_keeps_title_url_and_heading_path(tmp_path: Path) -> None:
    md = tmp_path / "billing.md"
    md.write_text(
        "# Billing\nURL: https://help.example/billing\n\nIntro text.\n\n## Refunds\n\nRefunds take 5 days.\n\n"
        "### Annual plans\n\nAnnual plans are refunded pro rata.\n\n```\n# not a heading\n```\n"
    )
    [doc] = load_file(md, "kb/billing.md")
    assert doc.title == "Billing"
    assert doc.url == "https://help.example/billing"
    headings = [s.heading for s in doc.sections]
    assert ("Refunds", "Annual plans") in headings
    assert any("# not a heading" in s.text for s in doc.sections)


def test_markdown_joins_hard_wrapped_lines_as_a_browser_shows_them(tmp_path: Path) -> None:
    md = tmp_path / "export.md"
    md.write_text(
        "# Export\n\nYou can export every project as an archive\nof CSV files. Follow these steps:\n\n"
        "1. Open the project\n   you want to export.\n2. Click the gear icon.\n\n"
        "- Links stay valid\n  for two days.\n- Only owners\ncan export.\n\n"
        "Line one with a hard break  \nline two.\n\n```\nkeep\nthese lines\n```\n\n| a | b |\n| 1 | 2 |\n"
    )
    [doc] = load_file(md, "kb/export.md")
    lines = doc.sections[0].text.splitlines()
    for line in (
        "You can export every project as an archive of CSV files. Follow these steps:",
        "1. Open the project you want to export.",
        "2. Click the gear icon.",
        "- Links stay valid for two days.",
        "- Only owners can export.",
        "keep",
        "these lines",
        "| a | b |",
        "| 1 | 2 |",
    ):
        assert line in lines
    assert "line two." in lines  # after a hard break


def test_html_strips_navigation_and_boilerplate(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Export data</title><link rel='canonical' href='https://help.example/export'></head><body>"
        "<nav><a href='/'>Home</a> Pricing Login</nav><div class='sidebar'>Popular articles</div>"
        "<main><h1>Export your data</h1><p>Open Settings and choose Export.</p><h2>Formats</h2><ul><li>CSV</li><li>JSON</li></ul></main>"
        "<footer>Copyright ACME</footer><script>track()</script></body></html>"
    )
    [doc] = load_file(page, "page.html")
    text = " ".join(s.text for s in doc.sections)
    assert doc.title == "Export your data" and doc.url == "https://help.example/export"
    assert "Open Settings and choose Export." in text and "CSV" in text
    for noise in ("Pricing", "Popular articles", "Copyright", "track()"):
        assert noise not in text


def test_html_inline_markup_leaves_no_space_before_punctuation(tmp_path: Path) -> None:
    """"Open <b>Settings</b> &gt; <b>Privacy</b>." was stored, and answered, as "Open Settings > Privacy ."."""
    page = tmp_path / "privacy.html"
    page.write_text(
        "<html><body><main><h1>Delete your account</h1><p>Open <b>Settings</b> &gt; <b>Privacy</b>. Click <em>Delete</em>, "
        "type your password (<code>not</code> your e-mail) and confirm.</p><p>Questions ? Ask <a href='/x'>us</a>!</p></main></body></html>"
    )
    [doc] = load_file(page, "privacy.html")
    text = doc.sections[0].text
    assert "Open Settings > Privacy. Click Delete, type your password (not your e-mail) and confirm." in text
    assert "Questions ? Ask us !" in text  # a space before ? and ! is how French writes them: kept


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(minimal_pdf(["Paperkite admin guide", "Invite members from the Team page."]))
    [doc] = load_file(pdf, "guide.pdf")
    assert "Invite members from the Team page." in doc.sections[0].text


def test_broken_pdf_is_reported_not_raised_as_traceback(tmp_path: Path) -> None:
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(UnsupportedFile):
        load_file(pdf, "broken.pdf")


def test_faq_csv_and_jsonl_rows_become_documents_with_ids(tmp_path: Path) -> None:
    csv_file = tmp_path / "faq.csv"
    csv_file.write_text('id,question,answer,url\nf1,How do I pay?,"By card, or by invoice.",https://x/pay\n,Empty?,\n')
    docs = load_file(csv_file, "faq.csv")
    assert [d.source for d in docs] == ["faq.csv#f1"]
    assert docs[0].title == "How do I pay?" and docs[0].url == "https://x/pay"

    jsonl = tmp_path / "faq.jsonl"
    jsonl.write_text(json.dumps({"q": "Is there an app?", "a": "Yes, for iOS and Android."}) + "\n")
    docs = load_file(jsonl, "faq.jsonl", columns=FaqColumns(question="q", answer="a"))
    assert docs[0].source == "faq.jsonl#row-1"


@pytest.mark.parametrize("content", [
    "Question,Answer,ID\nDoes Juniper blink?,Twice when paired.,j1\n",   # capitalised, as most exports write them
    "question;answer;id\nDoes Juniper blink?;Twice when paired.;j1\n",   # a spreadsheet saved with a European locale
    "\ufeffQUESTION\tANSWER\tId\nDoes Juniper blink?\tTwice when paired.\tj1\n",
])
def test_faq_columns_are_found_whatever_their_case_and_separator(tmp_path: Path, content: str) -> None:
    # before: "no 'question' and 'answer' columns (found ['Answer', 'Question'])", and ['question;answer']
    table = tmp_path / "faq.csv"
    table.write_text(content, encoding="utf-8")
    [doc] = load_file(table, "faq.csv")
    assert (doc.source, doc.title, doc.sections[0].text) == ("faq.csv#j1", "Does Juniper blink?", "Twice when paired.")
    table.write_text("question,answer,notes\n\"Is it loud; really?\",\"No; it is silent.\",x\n", encoding="utf-8")
    assert load_file(table, "faq.csv")[0].sections[0].text == "No; it is silent."  # commas in the header: commas it is


def test_a_text_file_of_one_line_is_its_body(tmp_path: Path) -> None:
    # before: its one line was taken for the title and the file skipped with "no text to answer from"
    note = tmp_path / "ridge-valve.txt"
    note.write_text("The Ridge radiator valve (model RV-5) costs $59 and pairs with the Austin Hub.\n")
    [doc] = load_file(note, "ridge-valve.txt")
    assert doc.sections[0].text.startswith("The Ridge radiator valve") and doc.title == "Ridge valve"
    note.write_text("Ridge valve prices\n\nThe Ridge radiator valve costs $59.\n")
    [doc] = load_file(note, "ridge-valve.txt")
    assert doc.title == "Ridge valve prices" and doc.sections[0].text == "The Ridge radiator valve costs $59."


def test_faq_without_question_columns_names_the_flags(tmp_path: Path) -> None:
    table = tmp_path / "prices.csv"
    table.write_text("plan,price\nTeam,8\n")
    with pytest.raises(UnsupportedFile, match="--question-column"):
        load_file(table, "prices.csv")


def test_chunks_respect_size_and_overlap() -> None:
    sentences = [f"Sentence number {i} explains one more step of the export." for i in range(60)]
    pieces = split_text(" ".join(sentences))
    assert len(pieces) > 1
    assert all(len(p) <= MAX_CHARS for p in pieces)
    # consecutive pieces share their boundary sentence
    assert pieces[0].split(". ")[-1].rstrip(".") in pieces[1]


def test_chunk_ids_are_stable(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("# A\n\n## One\n\nText one is here and is long enough to stand alone as a chunk of its own. " * 3)
    [doc] = load_file(md, "a.md")
    assert [c.id for c in chunk_document(doc, tenant="t")] == [c.id for c in chunk_document(doc, tenant="t")]
    assert chunk_document(doc, tenant="t")[0].id != chunk_document(doc, tenant="u")[0].id


UNSAFE_URLS = (
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "VBScript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/phish",
    "/\\evil.example",
)


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_document_urls_never_become_links(tmp_path: Path, url: str) -> None:
    md = tmp_path / "front.md"
    md.write_text(f"---\ntitle: Front\nurl: {url}\n---\n\nBody text.\n")
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><link rel='canonical' href='{url}'></head><body><main><h1>T</h1><p>Body.</p></main></body></html>")
    faq = tmp_path / "faq.csv"
    faq.write_text('question,answer,url\nHow?,Like this.,"' + url.replace('"', '""') + '"\n')
    for path in (md, page, faq):
        [doc] = load_file(path, path.name)
        assert doc.url is None, (path.name, url)


def test_http_and_site_relative_urls_are_kept(tmp_path: Path) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text("question,answer,url\nA?,a.,https://help.example/a\nB?,b.,/help/b\nC?,c.,HTTP://help.example/c\n")
    assert [d.url for d in load_file(faq, "faq.csv")] == ["https://help.example/a", "/help/b", "HTTP://help.example/c"]
