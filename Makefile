# nabla — the lab's everyday commands. Each target is a plain go command; see README.md.
GO      ?= go
ENGINES := numeric backprop symbolic autodiff
OUT     ?= report-out
# make bench: which benchmarks (a -bench regexp), how long each runs, how often, and where to.
BENCH     ?= .
BENCHTIME ?= 100ms
COUNT     ?= 5
BENCHOUT  ?= bench.txt

.PHONY: all help test test-short test-openblas bench report lint deps ci

all: lint deps test

## help: these targets, and how long the long ones took when docs/RESULTS.md was generated
help:
	@sed -n 's/^## //p' Makefile
	@echo; sed -n '/^## How long the long commands take/,/^## /p' docs/RESULTS.md | grep -E '^(Measured|load|\|)' || echo "durations: not measured yet (go run ./cmd/nabla results --durations)"

## test: the whole test suite, as CI runs it
test:
	$(GO) test ./...

## test-openblas: the whole suite on OpenBLAS (cgo; needs Debian's libopenblas-dev)
test-openblas:
	CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas $(GO) test -tags openblas ./...

## test-noasm: without assembly kernels, as on other CPUs: the matrix multiply on gonum's Dgemm, scalar exp, symbolic on internal/vec's Go loops
test-noasm:
	$(GO) test -tags noasm ./internal/gemm ./internal/vmath ./internal/vec ./nn ./backprop ./autodiff ./symbolic

## test-short: the quick subset
test-short:
	$(GO) test -short ./...

## bench: the benchmarks for benchstat, COUNT=5 runs of BENCHTIME=100ms each (BENCH=regexp for a subset; writes bench.txt)
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem -count $(COUNT) ./... | tee $(BENCHOUT); ! grep -q '^FAIL' $(BENCHOUT)

## report: the main job, nabla report on its built-in default
report:
	$(GO) run ./cmd/nabla report --out $(OUT)

## lint: gofmt, go vet, no non-test function over 150 lines, no unchecked assertion to an nn type
lint:
	@out=$$(gofmt -l . | grep -v '/testdata/'); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run ./internal/tools/funclen -max 150
	$(GO) run ./internal/tools/layerassert

## deps: fails when an engine (or its tests) imports another engine, or reports imports one
deps:
	@fail=0; \
	if $(GO) list -deps ./reports | grep -Eq "^nabla/($$(echo $(ENGINES) | tr ' ' '|'))$$"; then \
	  echo "reports imports an engine: it renders package results' types only"; fail=1; \
	fi; \
	for e in $(ENGINES); do \
	  ls $$e/*.go >/dev/null 2>&1 || continue; \
	  for o in $(ENGINES); do \
	    [ $$e = $$o ] && continue; \
	    if $(GO) list -deps -test ./$$e/... | grep -Eq "^nabla/$$o(/|$$)"; then \
	      echo "engine $$e imports engine $$o: engines must stay independent"; fail=1; \
	    fi; \
	  done; \
	done; exit $$fail

ci: lint deps test
