"""Invoices and credit notes as PDF (A4, ReportLab, like the flight manifest): the text blocks
come from ``templates/finance/invoice_pdf.xml`` (operator, client, terms, bank details, all
auto-escaped), the line table, taxes and totals are drawn here. Reads only."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from finance.models import Invoice, InvoiceKind

BLOCK = re.compile(r'<block name="(\w+)">(.*?)</block>', re.DOTALL)
TITLES = {
    InvoiceKind.INVOICE: "Invoice",
    InvoiceKind.PROFORMA: "Pro-forma invoice",
    InvoiceKind.CREDIT_NOTE: "Credit note",
}


def money(amount: Decimal, currency: str) -> str:
    """``12,345.60 USD``."""
    return f"{amount:,.2f} {currency}"


def _address_lines(address: Any) -> list[str]:
    if isinstance(address, dict):
        return [str(v) for v in address.values() if v not in (None, "")]
    if isinstance(address, str):
        return [line for line in address.splitlines() if line.strip()]
    return []


def invoice_blocks(invoice: Invoice) -> dict[str, str]:
    """The template's blocks (paragraph markup) by name."""
    context = {
        "invoice": invoice,
        "profile": invoice.billing_profile,
        "title": TITLES[InvoiceKind(invoice.kind)],
        "bill_to": invoice.bill_to,
        "address_lines": _address_lines(invoice.bill_to.get("address")),
        "seller_lines": _address_lines(invoice.billing_profile.address),
        "bank_lines": _address_lines(invoice.billing_profile.bank_details),
        "base_total": money(invoice.base_total, invoice.base_currency),
        "balance": money(invoice.balance, invoice.currency),
    }
    text = render_to_string("finance/invoice_pdf.xml", context)
    return {name: body.strip() for name, body in BLOCK.findall(text)}


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF: logo and operator, client, dates, the line table (what each line
    bills), taxes with their legal basis, totals, payments, bank details."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    invoice = (
        Invoice.objects.select_related("billing_profile", "client", "trip", "credit_for")
        .prefetch_related("lines")
        .get(pk=invoice.pk)
    )
    profile = invoice.billing_profile
    blocks = invoice_blocks(invoice)
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    title = TITLES[InvoiceKind(invoice.kind)]
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{title} {invoice.number or 'draft'}",
        author=profile.legal_name,
    )
    width = A4[0] - 36 * mm
    logo: Any = ""
    if profile.logo:
        try:
            with profile.logo.open("rb") as handle:
                logo = Image(io.BytesIO(handle.read()), width=40 * mm, height=20 * mm, kind="proportional")
        except OSError:
            logo = ""
    head = Table(
        [[logo or Paragraph(f"<b>{profile.legal_name}</b>", body), Paragraph(blocks["title"], body)]],
        colWidths=[width / 2, width / 2],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    parties = Table(
        [[Paragraph(blocks["seller"], body), Paragraph(blocks["buyer"], body)]],
        colWidths=[width / 2, width / 2],
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    dates = [
        ["Issued", invoice.issued_on.strftime("%d %b %Y") if invoice.issued_on else "—"],
        ["Due", invoice.due_on.strftime("%d %b %Y") if invoice.due_on else "—"],
        ["Currency", invoice.currency],
    ]
    if invoice.trip_id:
        dates.append(["Trip", invoice.trip.number])  # type: ignore[union-attr]
    meta = Table(dates, colWidths=[30 * mm, 60 * mm], hAlign="LEFT")
    meta.setStyle(
        TableStyle([("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 9)])
    )

    lines = list(invoice.lines.all())
    # Cells hold Paragraphs built from escaped text only: a description cannot inject markup.
    from xml.sax.saxutils import escape

    rows: list[list[Any]] = [["#", "Description", "Hours", f"Amount ({invoice.currency})"]]
    for line in lines:
        if line.is_tax:
            continue
        rows.append(
            [
                str(line.position),
                Paragraph(escape(line.description), small),
                f"{line.quantity:.2f}"
                if line.flight_id and line.kind in ("flight_time", "positioning")
                else "",
                f"{line.amount:,.2f}",
            ]
        )
    table = Table(rows, colWidths=[10 * mm, width - 70 * mm, 20 * mm, 40 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f3a5f")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f6f9")]),
            ]
        )
    )
    totals: list[list[Any]] = [["Subtotal", money(invoice.subtotal, invoice.currency)]]
    totals += [
        [
            Paragraph(f"{escape(line.description)}<br/><font size='7'>{escape(line.tax_rule)}</font>", small),
            money(line.amount, invoice.currency),
        ]
        for line in lines
        if line.is_tax
    ]
    totals.append(["Total", money(invoice.total, invoice.currency)])
    if invoice.kind != InvoiceKind.CREDIT_NOTE:
        if invoice.amount_paid:
            totals.append(["Paid", money(-invoice.amount_paid, invoice.currency)])
        if invoice.amount_credited:
            totals.append(["Credited", money(-invoice.amount_credited, invoice.currency)])
        totals.append(["Balance due", money(invoice.balance, invoice.currency)])
    summary = Table(totals, colWidths=[80 * mm, 40 * mm], hAlign="RIGHT")
    summary.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story: list[Any] = [head, Spacer(1, 6 * mm), parties, Spacer(1, 4 * mm), meta, Spacer(1, 4 * mm)]
    if blocks.get("credit"):
        story += [Paragraph(blocks["credit"], body), Spacer(1, 3 * mm)]
    story += [table, Spacer(1, 4 * mm), summary, Spacer(1, 4 * mm)]
    for name in ("fx", "terms"):
        if blocks.get(name):
            story += [Paragraph(blocks[name], small), Spacer(1, 2 * mm)]
    story += [Spacer(1, 4 * mm), Paragraph(blocks["bank"], small)]
    document.build(story)
    return buffer.getvalue()
