#!/usr/bin/env bash
# build.sh builds micsync with its version stamped, or runs every test.
#   ./build.sh          build ./micsync
#   ./build.sh test     go vet and every test (unit, end-to-end with real rsync, pseudo-terminal)
set -euo pipefail
cd "$(dirname "$0")"

version() {
	git describe --tags --always --dirty 2>/dev/null || echo dev
}

case "${1:-build}" in
build)
	go build -trimpath -ldflags "-X main.version=${VERSION:-$(version)}" -o micsync ./cmd/micsync
	;;
test)
	gofmt_out=$(gofmt -l .)
	if [ -n "$gofmt_out" ]; then
		echo "gofmt would change: $gofmt_out" >&2
		exit 1
	fi
	go vet ./...
	go test -count=1 ./...
	;;
*)
	echo "usage: $0 [build|test]" >&2
	exit 2
	;;
esac
