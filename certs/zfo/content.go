package zfo

import "errors"

// Content returns the XML a ZFO signs, without checking anything: for
// callers that keep or show it after Verify.
func Content(data []byte) ([]byte, error) {
	sd, err := parseSignedData(data)
	if err != nil {
		return nil, err
	}
	if !sd.contentType.Equal(oidData) {
		return nil, errors.New("zfo: the signed content is not of type id-data")
	}
	return sd.content, nil
}
