package sim

import (
	"bytes"
	"fmt"
	"strings"
)

// linesPerPage is how many lines of text fit on one A4 page of the
// sandbox's PDF.
const linesPerPage = 48

// pdf writes a minimal PDF 1.4 document: A4 pages of text in Helvetica
// (ASCII: the standard fonts carry no Czech letters, so diacritics are
// transliterated). It returns the document and its page count, which the
// price is computed from.
func pdf(title string, lines []string) ([]byte, int) {
	var pages [][]string
	for len(lines) > 0 || len(pages) == 0 {
		n := min(linesPerPage, len(lines))
		pages = append(pages, lines[:n])
		lines = lines[n:]
	}
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1 catalog, 2 page tree, 3 font, then a page and its content per page.
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i, pg := range pages {
		var c bytes.Buffer
		c.WriteString("BT /F1 10 Tf 50 800 Td 14 TL\n")
		if i == 0 {
			fmt.Fprintf(&c, "(%s) Tj T*\n", pdfEscape(ascii(title)))
		}
		for _, l := range pg {
			fmt.Fprintf(&c, "(%s) Tj T*\n", pdfEscape(ascii(l)))
		}
		fmt.Fprintf(&c, "(strana %d/%d) Tj\nET", i+1, len(pages))
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", c.Len(), c.String()))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes(), len(pages)
}

var pdfEscaper = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, "\r", " ", "\n", " ")

func pdfEscape(s string) string { return pdfEscaper.Replace(s) }

// lvLines is the text of an LV report for the PDF and HTML outputs.
func (s *Server) lvLines(lv *LV) []string {
	x, t := s.data, s.terr
	ku, _ := t.KUOf(lv.KU)
	obec, _ := t.ObecOf(ku.Obec)
	okres, _ := t.OkresOf(obec.Okres)
	out := []string{
		fmt.Sprintf("Okres: %d %s   Obec: %d %s", okres.Kod, okres.Nazev, obec.Kod, obec.Nazev),
		fmt.Sprintf("Katastralni uzemi: %d %s   List vlastnictvi: %d", ku.Kod, ku.Nazev, lv.Cislo),
		"",
		"A  Vlastnik, jiny opravneny",
	}
	for _, p := range lv.Owners {
		if o := x.os[p.OS]; o != nil {
			out = append(out, fmt.Sprintf("   %s   podil %d/%d", osName(x, o), p.Citatel, p.Jmenovatel))
		}
	}
	out = append(out, "", "B  Nemovitosti")
	ps, ss, js := x.objectsOf(lv.ID)
	for _, p := range ps {
		num := fmt.Sprint(p.Kmen)
		if p.Podd > 0 {
			num += fmt.Sprintf("/%d", p.Podd)
		}
		if p.Stavebni {
			num = "St. " + num
		}
		out = append(out, fmt.Sprintf("   Parcela %s   %d m2   %s", num, p.Vymera, druhNazev(p.Druh)))
	}
	for _, st := range ss {
		out = append(out, "   Stavba "+stavbaText(st, t))
	}
	for _, j := range js {
		out = append(out, fmt.Sprintf("   Jednotka %d", x.unitNumber(j)))
	}
	return append(out, "", "Sandbox konektoru: data nejsou skutecna.")
}

func osName(x *index, o *OS) string {
	switch o.Typ {
	case "OPO":
		return o.Nazev
	case "BSM":
		var names []string
		for _, id := range []string{o.Partner1, o.Partner2} {
			if q := x.os[id]; q != nil {
				names = append(names, q.Jmeno+" "+q.Prijmeni)
			}
		}
		return "SJM " + strings.Join(names, " a ")
	}
	return strings.TrimSpace(o.TitulPred + " " + o.Jmeno + " " + o.Prijmeni)
}
