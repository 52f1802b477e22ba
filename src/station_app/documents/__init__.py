"""Printable documents (PDF, A4) built with ReportLab and the bundled TrueType Chinese font, so every font is
embedded and the files print the same on any PC. `pdf.py` has the page frame every document shares (formal header,
document number, 第×页 共×页, print date, signature and seal spaces); `mediation.py` the 人民调解 documents."""
