package isds

import (
	"strings"

	"konektor/gateway/pipeline"
	"konektor/gateway/subject"
)

// searchInput is what FindDataBox2 and CheckDataBox name: a box, or an
// owner by IČO or by name and date of birth.
type searchInput struct {
	DbID  string `xml:"dbID"`
	Owner struct {
		DbID       string `xml:"dbID"`
		IC         string `xml:"ic"`
		GivenNames string `xml:"pnGivenNames"`
		LastName   string `xml:"pnLastName"`
		BirthDate  string `xml:"biDate"`
	} `xml:"dbOwnerInfo"`
}

// searchSubject returns the data subject a box search is about, for the
// access log (which keeps only a keyed hash of it): the box ID where the
// search names one (ISDS then ignores the rest), else the IČO, else the
// person by surname, given names and date of birth. Other calls name no
// subject: the evidence of message operations carries the box IDs.
func searchSubject(ex *pipeline.Exchange) (kind, id string) {
	switch ex.Envelope.Payload.Local {
	case "FindDataBox2", "CheckDataBox":
	default:
		return "", ""
	}
	var in searchInput
	if err := decodePayload(ex, &in); err != nil {
		return "", ""
	}
	o := in.Owner
	switch {
	case strings.TrimSpace(in.DbID) != "":
		return subject.KindDataBox, strings.TrimSpace(in.DbID)
	case strings.TrimSpace(o.DbID) != "":
		return subject.KindDataBox, strings.TrimSpace(o.DbID)
	case strings.TrimSpace(o.IC) != "":
		return subject.KindICO, strings.TrimSpace(o.IC)
	case strings.TrimSpace(o.LastName) != "":
		date := strings.TrimSpace(o.BirthDate)
		if len(date) > 10 {
			date = date[:10] // xs:date may carry a zone
		}
		return subject.KindPerson, strings.TrimSpace(o.LastName) + "|" + strings.TrimSpace(o.GivenNames) + "|" + date
	}
	return "", ""
}
