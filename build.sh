#!/usr/bin/env bash
# build.sh builds micsync with its version stamped, runs every test, or makes the Arch package's
# sources.
#   ./build.sh          build ./micsync
#   ./build.sh test     go vet and every test (unit, end-to-end with real rsync, pseudo-terminal)
#   ./build.sh package  dist/micsync-VERSION.tar.gz and dist/PKGBUILD: cd dist && makepkg -si
#   ./build.sh bench    the benchmark against plain rsync (options: go run ./bench -h)
set -euo pipefail
cd "$(dirname "$0")"

version() {
	git describe --tags --always --dirty 2>/dev/null || echo dev
}

# pkgver prints HEAD's version as Arch writes versions, without hyphens: tag v1.2.0 is 1.2.0,
# three commits after it 1.2.0.r3.g1a2b3c4, and with no tag r<commits>.g<hash>.
pkgver() {
	local v
	if v=$(git describe --tags --exact-match HEAD 2>/dev/null); then
		v=${v#v}
	elif v=$(git describe --tags --long --abbrev=7 HEAD 2>/dev/null); then
		v=$(sed -E 's/^v//; s/-([0-9]+)-g([0-9a-f]+)$/.r\1.g\2/' <<<"$v")
	else
		v=$(printf 'r%s.g%s' "$(git rev-list --count HEAD)" "$(git rev-parse --short=7 HEAD)")
	fi
	echo "${v//-/.}"
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
package)
	# The tarball holds HEAD with its Go modules vendored, so that makepkg builds offline; its
	# files get HEAD's time, so the same commit makes the same tarball.
	ver=$(pkgver)
	name="micsync-$ver"
	if [ -n "$(git status --porcelain)" ]; then
		echo "build.sh: note: the work tree has uncommitted changes; the package holds HEAD" >&2
	fi
	stage=$(mktemp -d)
	trap 'rm -rf "$stage"' EXIT
	git archive --prefix="$name/" HEAD | tar -x -C "$stage"
	(cd "$stage/$name" && go mod vendor)
	mkdir -p dist
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$(git log -1 --format=%ct HEAD)" \
		-C "$stage" -cf - "$name" | gzip -9n >"dist/$name.tar.gz"
	sum=$(sha256sum "dist/$name.tar.gz" | cut -d' ' -f1)
	sed -e "s/^pkgver=.*/pkgver=$ver/" -e "s/^sha256sums=.*/sha256sums=('$sum')/" \
		"$stage/$name/PKGBUILD" >dist/PKGBUILD
	echo "dist/$name.tar.gz and dist/PKGBUILD: cd dist && makepkg -si"
	;;
bench)
	shift
	go run ./bench "$@"
	;;
*)
	echo "usage: $0 [build|test|package|bench]" >&2
	exit 2
	;;
esac
