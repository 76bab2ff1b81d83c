# konektor build and test targets. `make test` is what CI runs.
GO ?= go
# go.mod needs Go 1.27; an older go command fetches that toolchain through
# the module proxy unless GOTOOLCHAIN=local forbids it (some distributions
# set that in their go.env).
GOTOOLCHAIN ?= auto
export GOTOOLCHAIN
PKGS := ./...

.PHONY: test vet race generate-check run build fuzz bench soak fmt-check

test: fmt-check vet generate-check race

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

race:
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

# go generate must be reproducible: running it may not change tracked files.
generate-check:
	@before=$$(git status --porcelain 2>/dev/null; git diff 2>/dev/null | sha256sum); \
	$(GO) generate ./... || exit 1; \
	after=$$(git status --porcelain 2>/dev/null; git diff 2>/dev/null | sha256sum); \
	if [ "$$before" != "$$after" ]; then echo "go generate changed files:"; git status --short; exit 1; fi

build:
	$(GO) build -o konektor ./cmd/konektor

run:
	$(GO) run ./cmd/konektor serve

# Short fuzzing of every parser of untrusted input (not part of `make test`).
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./gateway/soap

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
