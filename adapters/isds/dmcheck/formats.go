package dmcheck

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"
)

// format is an allowed attachment format (Příloha 3 of Vyhláška 194/2009
// Sb., as ISDS applies it): the MIME types ISDS accepts for the extension,
// and how the content is recognised.
type format struct {
	mimes     []string
	magic     func([]byte) bool // nil: content not checked
	container bool              // ZIP or ASiC container (at most 10 per message)
}

func prefix(ps ...string) func([]byte) bool {
	return func(b []byte) bool {
		for _, p := range ps {
			if bytes.HasPrefix(b, []byte(p)) {
				return true
			}
		}
		return false
	}
}

var (
	isPDF  = prefix("%PDF-")
	isZIP  = prefix("PK\x03\x04", "PK\x05\x06")
	isOLE  = prefix("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	isPNG  = prefix("\x89PNG\r\n\x1a\n")
	isJPEG = prefix("\xff\xd8\xff")
	isGIF  = prefix("GIF87a", "GIF89a")
	isTIFF = prefix("II*\x00", "MM\x00*")
	isRTF  = prefix("{\\rtf")
	isCMS  = prefix("\x30") // a DER or BER SEQUENCE: ZFO, PKCS #7
)

// isXML recognises XML: optional BOM and space, then '<'.
func isXML(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// isText accepts UTF-8 text without NUL bytes (also what ISDS accepts for
// plain text, CSV and JSON; other encodings are not recognised here).
func isText(b []byte) bool { return utf8.Valid(b) && bytes.IndexByte(b, 0) < 0 }

var formats = map[string]format{
	"pdf":    {[]string{"application/pdf"}, isPDF, false},
	"doc":    {[]string{"application/msword"}, isOLE, false},
	"docx":   {[]string{"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}, isZIP, false},
	"xls":    {[]string{"application/vnd.ms-excel"}, isOLE, false},
	"xlsx":   {[]string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, isZIP, false},
	"ppt":    {[]string{"application/vnd.ms-powerpoint"}, isOLE, false},
	"pptx":   {[]string{"application/vnd.openxmlformats-officedocument.presentationml.presentation"}, isZIP, false},
	"odt":    {[]string{"application/vnd.oasis.opendocument.text"}, isZIP, false},
	"ods":    {[]string{"application/vnd.oasis.opendocument.spreadsheet"}, isZIP, false},
	"odp":    {[]string{"application/vnd.oasis.opendocument.presentation"}, isZIP, false},
	"rtf":    {[]string{"application/msword", "text/rtf", "application/rtf"}, isRTF, false},
	"txt":    {[]string{"text/plain"}, isText, false},
	"csv":    {[]string{"text/csv"}, isText, false},
	"json":   {[]string{"application/json"}, isText, false},
	"html":   {[]string{"text/html"}, isText, false},
	"htm":    {[]string{"text/html"}, isText, false},
	"xml":    {[]string{"application/xml", "text/xml"}, isXML, false},
	"xsd":    {[]string{"application/xml", "text/xml"}, isXML, false},
	"fo":     {[]string{"application/vnd.software602.filler.form+xml", "application/xml"}, isXML, false},
	"zfo":    {[]string{"application/vnd.software602.filler.form-xml-zip"}, isCMS, false},
	"isdoc":  {[]string{"text/isdoc"}, isXML, false},
	"isdocx": {[]string{"text/isdocx"}, isZIP, false},
	"edi":    {[]string{"application/edifact", "application/edi-x12", "application/edi-consent", "text/plain", "text/xml", "application/xml"}, nil, false},
	"jpg":    {[]string{"image/jpeg", "image/pjpeg"}, isJPEG, false},
	"jpeg":   {[]string{"image/jpeg", "image/pjpeg"}, isJPEG, false},
	"jfif":   {[]string{"image/jpeg", "image/pjpeg"}, isJPEG, false},
	"png":    {[]string{"image/png", "image/x-png"}, isPNG, false},
	"gif":    {[]string{"image/gif"}, isGIF, false},
	"tif":    {[]string{"image/tiff"}, isTIFF, false},
	"tiff":   {[]string{"image/tiff"}, isTIFF, false},
	"heic":   {[]string{"image/heic", "image/heic-sequence"}, nil, false},
	"heif":   {[]string{"image/heif", "image/heif-sequence"}, nil, false},
	"mpeg":   {[]string{"video/mpeg", "video/mpeg1", "video/mpeg2", "video/mpg"}, nil, false},
	"mpeg1":  {[]string{"video/mpeg", "video/mpeg1", "video/mpeg2", "video/mpg"}, nil, false},
	"mpeg2":  {[]string{"video/mpeg", "video/mpeg1", "video/mpeg2", "video/mpg"}, nil, false},
	"mpg":    {[]string{"video/mpeg", "video/mpeg1", "video/mpeg2", "video/mpg"}, nil, false},
	"mp4":    {[]string{"audio/mp4", "video/mp4"}, nil, false},
	"m4a":    {[]string{"audio/mp4"}, nil, false},
	"m4p":    {[]string{"audio/mp4", "video/mp4"}, nil, false},
	"m4v":    {[]string{"video/mp4"}, nil, false},
	"mp2":    {[]string{"audio/mpeg"}, nil, false},
	"mp3":    {[]string{"audio/mpeg"}, nil, false},
	"wav":    {[]string{"audio/wav", "audio/wave", "audio/x-wav"}, nil, false},
	"dwg":    {[]string{"image/vnd.dwg"}, nil, false},
	"dgn":    {[]string{"application/octet-stream"}, nil, false},
	"shp":    {[]string{"application/octet-stream"}, nil, false},
	"shx":    {[]string{"application/octet-stream"}, nil, false},
	"dbf":    {[]string{"application/octet-stream"}, nil, false},
	"prj":    {[]string{"application/octet-stream"}, nil, false},
	"qix":    {[]string{"application/octet-stream"}, nil, false},
	"sbn":    {[]string{"application/octet-stream"}, nil, false},
	"sbx":    {[]string{"application/octet-stream"}, nil, false},
	"gml":    {[]string{"application/xml", "text/xml"}, isXML, false},
	"gfs":    {[]string{"application/xml", "text/xml"}, isXML, false},
	"cer":    {[]string{"application/x-x509-ca-cert"}, nil, false},
	"crt":    {[]string{"application/x-x509-ca-cert"}, nil, false},
	"der":    {[]string{"application/x-x509-ca-cert"}, nil, false},
	"p7b":    {[]string{"application/pkcs7-certificates", "application/pkcs7-mime", "application/x-pkcs7-certificates"}, isCMS, false},
	"p7c":    {[]string{"application/pkcs7-mime", "application/x-pkcs7-mime"}, isCMS, false},
	"p7m":    {[]string{"application/pkcs7-mime", "application/x-pkcs7-mime"}, isCMS, false},
	"pk7":    {[]string{"application/pkcs7-mime", "application/x-pkcs7-mime"}, isCMS, false},
	"p7f":    {[]string{"application/pkcs7-signature"}, isCMS, false},
	"p7s":    {[]string{"application/pkcs7-signature", "application/x-pkcs7-signature"}, isCMS, false},
	"tst":    {[]string{"application/timestamp-reply"}, isCMS, false},
	"tsr":    {[]string{"application/timestamp-reply"}, isCMS, false},
	"zip":    {[]string{"application/zip", "application/x-compressed", "application/x-zip-compressed"}, isZIP, true},
	"asics":  {[]string{"application/vnd.etsi.asic-s+zip"}, isZIP, true},
	"scs":    {[]string{"application/vnd.etsi.asic-s+zip"}, isZIP, true},
	"asice":  {[]string{"application/vnd.etsi.asic-e+zip"}, isZIP, true},
	"sce":    {[]string{"application/vnd.etsi.asic-e+zip"}, isZIP, true},
	"ddd":    {[]string{"application/octet-stream"}, nil, false},
}

// CheckFile applies ISDS's attachment check (status 1214 on failure): the
// extension of the file name must be an allowed format, a MIME type, when
// given, must be one of that format's (or, as old clients send, the
// extension itself), and the content must look like the format. It
// returns the failure text without the file name ("" when the file
// passes) and whether the format is a container (ZIP, ASiC).
func CheckFile(name, mime string, content []byte, xmlContent bool) (string, bool) {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	f, ok := formats[ext]
	if !ok {
		return "Nepovolený formát souboru", false
	}
	if mime != "" && !strings.EqualFold(mime, ext) {
		allowed := false
		for _, m := range f.mimes {
			if strings.EqualFold(m, mime) {
				allowed = true
			}
		}
		if !allowed {
			return "Typ MIME neodpovídá příponě souboru", f.container
		}
	}
	if xmlContent {
		if !(ext == "xml" || ext == "xsd" || ext == "fo" || ext == "isdoc" || ext == "gml" || ext == "gfs") {
			return "Obsah XML lze vložit jen do souboru XML", f.container
		}
		return "", f.container
	}
	if f.magic != nil && !f.magic(content) {
		return "Obsah souboru nebyl identifikován.", f.container
	}
	return "", f.container
}
