package httpapi

import (
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"
)

// CUZKOpsOptions are the cadastre's operator actions on the ops listener.
type CUZKOpsOptions struct {
	// Accounts returns the state of the WSDP accounts, encoded as JSON.
	Accounts func() any
	// Enable puts a disabled account back into use; it reports whether
	// the account was disabled.
	Enable func(name string) bool
}

// OperatorHeader must be present on state-changing ops requests, so that a
// web page cannot make a browser on the operator's machine post one (a
// cross-origin form cannot set it). `konektor cuzk` sends it.
const OperatorHeader = "X-Konektor-Operator"

var cuzkAccountName = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// NewCUZKOps returns the handler of GET /ops/cuzk/accounts and
// POST /ops/cuzk/accounts/{name}/enable, to be mounted on the ops listener
// next to NewOps (the ops listener is the operators' own, loopback by
// default).
func NewCUZKOps(o CUZKOpsOptions) http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/ops/cuzk/accounts", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]any{"accounts": o.Accounts()})
	})
	e.POST("/ops/cuzk/accounts/:name/enable", func(c echo.Context) error {
		if c.Request().Header.Get(OperatorHeader) == "" {
			return c.JSON(http.StatusForbidden, map[string]string{
				"error":    "chybí hlavička " + OperatorHeader,
				"error_en": "the " + OperatorHeader + " header is missing"})
		}
		name := c.Param("name")
		if !cuzkAccountName.MatchString(name) {
			return c.JSON(http.StatusBadRequest, map[string]string{
				"error":    "neplatný název účtu",
				"error_en": "invalid account name"})
		}
		was := o.Enable(name)
		return c.JSON(http.StatusOK, map[string]any{"account": name, "enabled": true, "was_disabled": was})
	})
	return e
}
