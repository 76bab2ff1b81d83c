package httpapi

import (
	"context"
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"
)

// CUZKOpsOptions are the cadastre's operator actions on the ops listener.
type CUZKOpsOptions struct {
	// Accounts returns the state of the WSDP accounts, encoded as JSON.
	Accounts func(ctx context.Context) (any, error)
	// Enable puts a disabled account back into use on every node sharing
	// the store; it reports whether the account was disabled.
	Enable func(ctx context.Context, name string) (bool, error)
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
		accounts, err := o.Accounts(c.Request().Context())
		if err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{
				"error":    "stav účtů katastru nelze načíst z úložiště: " + err.Error(),
				"error_en": "the state of the cadastre accounts cannot be read from the store: " + err.Error()})
		}
		return c.JSON(http.StatusOK, map[string]any{"accounts": accounts})
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
		was, err := o.Enable(c.Request().Context(), name)
		if err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{
				"error":    "účet nelze znovu povolit, úložiště neodpovídá: " + err.Error(),
				"error_en": "the account cannot be enabled, the store does not answer: " + err.Error()})
		}
		return c.JSON(http.StatusOK, map[string]any{"account": name, "enabled": true, "was_disabled": was})
	})
	return e
}
