// Package app assembles konektor from its configuration: the store, the
// access log, the policy, the client registry, the upstream adapters (or
// the in-process sandboxes), the pipeline and the two listeners; and runs
// them until the context ends, draining requests in flight.
package app
