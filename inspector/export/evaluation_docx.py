"""The evaluation report as a Word document (python-docx), A4, so that the Department can edit
it before signing: the same headings, paragraphs, charts and tables as the PDF."""

from __future__ import annotations

import io
from pathlib import Path

from .evaluation import Chart, EvaluationReport, Table

FONT = "Times New Roman"        # what a Vietnamese administrative document is set in


def _table(document, table: Table) -> None:
    from docx.shared import Pt

    if table.caption:
        caption = document.add_paragraph(style="Caption")
        caption.add_run(table.caption)
    grid = document.add_table(rows=1, cols=len(table.header), style="Table Grid")
    grid.autofit = True
    for cell, text in zip(grid.rows[0].cells, table.header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    # the header row repeats on every page the table runs over
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)


def write_docx(report: EvaluationReport, path: Path, province: str) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    document.core_properties.title = report.title
    document.core_properties.language = "vi-VN"
    top = document.add_table(rows=1, cols=2)
    left, right = top.rows[0].cells
    left.text = f"UBND {province.upper()}\n{report.heading[0].upper()}"
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in paragraph.runs:
                run.bold = True
                run.font.size = Pt(11)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(report.title)
    run.bold = True
    run.font.size = Pt(13)
    for line in report.heading[1:]:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    width = section.page_width - section.left_margin - section.right_margin
    for part in report.sections:
        document.add_heading(part.title, level=part.level)
        for block in part.blocks:
            if isinstance(block, str):
                document.add_paragraph(block).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            elif isinstance(block, Chart):
                document.add_picture(io.BytesIO(block.png), width=width)
                document.add_paragraph(block.caption, style="Caption").alignment = \
                    WD_ALIGN_PARAGRAPH.CENTER
            elif isinstance(block, Table):
                _table(document, block)
    document.save(path)
