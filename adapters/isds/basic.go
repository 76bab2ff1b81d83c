package isds

import "encoding/base64"

// basicAuth is the value of an Authorization header for HTTP Basic.
func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}
