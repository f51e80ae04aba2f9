#!/usr/bin/env bash
# The test Kubernetes API server of the tsplay lab (test/doubles/kube-apiserver):
#
#   1. a Debian sid build root, made with debootstrap into
#      $TSPLAY_KAPI_DIR/sid-root-<hash of the package list and of sid_root below>
#      and never touching the host's Debian 12: sid's Go 1.27, the Kubernetes
#      0.36 Go sources (apiextensions-apiserver, apiserver, api, client-go,
#      kube-openapi, structured-merge-diff), etcd-server and kubectl 1.36.
#      The mirror's sid Release file is expired, hence Check-Valid-Until=false.
#      /proc and /dev are bind-mounted only while apt or go run in it;
#   2. the server binary, built in that root (GOPATH mode, CGO_ENABLED=0, so it
#      runs on the host) after openapi-gen has written the OpenAPI definitions
#      of the served types (zz_openapi.go), to
#      $TSPLAY_KAPI_DIR/kube-apiserver-<hash of the Go sources, this build
#      step and the root's package versions>. The Go build cache stays in
#      $TSPLAY_KAPI_DIR/kube-apiserver-go-build, so a changed main.go rebuilds
#      in under a minute instead of about eight;
#   3. the test controller (test/doubles/kube-controller: the controllers,
#      scheduler, kubelet and MetalLB stand-ins the server lacks), built the
#      same way in the same root with the same Go build cache, to
#      $TSPLAY_KAPI_DIR/kube-controller-<hash of its Go sources, its build
#      step and the root's package versions>;
#   4. the stand-in helm CLI (test/doubles/helm: Helm's release storage and
#      JSON over client-go), built the same way in the same root with the same
#      Go build cache, to $TSPLAY_KAPI_DIR/helm-standin-<hash of its Go
#      sources, its build step and the root's package versions>.
#
# Each step is skipped when its result exists; results are made under a
# temporary name and renamed; a failed step prints the tail of its log.
#
# Usage: scripts/lab/kube-apiserver.sh            set up (as root; scripts/lab/setup.sh runs it)
#        scripts/lab/kube-apiserver.sh --paths    print root=…, bin=…, controller=… and helm=… (no side effects)
#
# Environment: TSPLAY_LAB_MIRROR (default http://deb.debian.org/debian),
#              TSPLAY_KAPI_DIR (default /var/cache/tsplay-lab).
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$LAB_DIR/../../test/doubles/kube-apiserver" && pwd)"
CTRL_SRC="$(cd "$LAB_DIR/../../test/doubles/kube-controller" && pwd)"
HELM_SRC="$(cd "$LAB_DIR/../../test/doubles/helm" && pwd)"
MIRROR="${TSPLAY_LAB_MIRROR:-http://deb.debian.org/debian}"
CACHE="${TSPLAY_KAPI_DIR:-/var/cache/tsplay-lab}"
GOCACHE_DIR="$CACHE/kube-apiserver-go-build"
APT=(apt-get -o Acquire::Check-Valid-Until=false -o Acquire::Retries=3 -o APT::Install-Recommends=false)
SID_PACKAGES=(ca-certificates golang-go golang-k8s-apiextensions-apiserver-dev golang-k8s-apiserver-dev
  golang-k8s-api-dev golang-k8s-client-go-dev golang-k8s-kube-openapi-dev golang-k8s-sigs-structured-merge-diff-dev
  golang-k8s-sigs-structured-merge-diff-v6-dev
  etcd-server etcd-client kubectl)
# the packages whose types are served; openapi-gen writes their definitions
OPENAPI_PACKAGES=(k8s.io/api/core/v1 k8s.io/api/apps/v1 k8s.io/api/batch/v1 k8s.io/api/discovery/v1
  k8s.io/api/networking/v1 k8s.io/api/storage/v1 k8s.io/api/coordination/v1 k8s.io/api/policy/v1 k8s.io/api/rbac/v1
  k8s.io/apimachinery/pkg/apis/meta/v1 k8s.io/apimachinery/pkg/runtime k8s.io/apimachinery/pkg/version
  k8s.io/apimachinery/pkg/util/intstr k8s.io/apimachinery/pkg/api/resource
  k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1)

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

root_path() {
  printf '%s/sid-root-%s\n' "$CACHE" "$({ printf '%s\n' "${SID_PACKAGES[@]}"; declare -f sid_root; } | sha256sum | cut -c1-12)"
}

bin_path() {
  local root
  root="$(root_path)"
  printf '%s/kube-apiserver-%s\n' "$CACHE" "$({
    (cd "$SRC" && find . -maxdepth 1 -name '*.go' ! -name 'zz_*' | LC_ALL=C sort | while IFS= read -r f; do printf '%s\n' "$f"; cat "$f"; done)
    printf '%s\n' "${OPENAPI_PACKAGES[@]}"
    declare -f build_server
    cat "$root/.tsplay-versions" 2>/dev/null || true
  } | sha256sum | cut -c1-12)"
}

controller_path() {
  local root
  root="$(root_path)"
  printf '%s/kube-controller-%s\n' "$CACHE" "$({
    (cd "$CTRL_SRC" && find . -maxdepth 1 -name '*.go' | LC_ALL=C sort | while IFS= read -r f; do printf '%s\n' "$f"; cat "$f"; done)
    declare -f build_controller
    cat "$root/.tsplay-versions" 2>/dev/null || true
  } | sha256sum | cut -c1-12)"
}

helm_path() {
  local root
  root="$(root_path)"
  printf '%s/helm-standin-%s\n' "$CACHE" "$({
    (cd "$HELM_SRC" && find . -maxdepth 1 -name '*.go' | LC_ALL=C sort | while IFS= read -r f; do printf '%s\n' "$f"; cat "$f"; done)
    declare -f build_helm
    cat "$root/.tsplay-versions" 2>/dev/null || true
  } | sha256sum | cut -c1-12)"
}

# Removes all but the N newest binaries named PATTERN in the cache: worktrees
# of the project share it, each with the binaries of its own sources.
keep_newest() {
  find "$CACHE" -maxdepth 1 -name "$2" -type f ! -name '*.tmp' ! -name '*.log' -printf '%T@ %p\n' \
    | sort -rn | tail -n +"$(($1 + 1))" | cut -d' ' -f2- | xargs -r rm -f
}

# Runs a command in the root with /proc and /dev bound (and the Go build
# cache at /var/cache/go-build); always unmounts.
in_root() {
  local root="$1"
  shift
  mkdir -p "$root/var/cache/go-build" "$GOCACHE_DIR"
  mount --bind /proc "$root/proc"
  mount --bind /dev "$root/dev"
  mount --bind "$GOCACHE_DIR" "$root/var/cache/go-build"
  local rc=0
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" || rc=$?
  umount "$root/var/cache/go-build" "$root/dev" "$root/proc"
  return "$rc"
}

# Leftover mounts of a killed run would keep a temporary root from being removed.
unmount_under() {
  local m
  for m in $(awk -v p="$1" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m" || true; done
}

sid_root() {
  local root tmp t0=$SECONDS buildlog
  root="$(root_path)"
  if [[ -f "$root/.tsplay-versions" ]]; then log "reusing $root"; return; fi
  mkdir -p "$CACHE"
  tmp="$root.tmp"
  unmount_under "$tmp"
  rm -rf "$tmp"
  buildlog="$CACHE/sid-root.log"
  log "debootstrap sid into $tmp, then ${SID_PACKAGES[*]} (about 1.5 min)"
  debootstrap --variant=minbase sid "$tmp" "$MIRROR" >"$buildlog" 2>&1 \
    || { tail -n 30 "$buildlog" >&2; die "debootstrap sid failed (log: $buildlog)"; }
  printf 'deb %s sid main\n' "$MIRROR" >"$tmp/etc/apt/sources.list"
  in_root "$tmp" "${APT[@]}" update >>"$buildlog" 2>&1 \
    || { tail -n 30 "$buildlog" >&2; die "apt-get update in the sid root failed (log: $buildlog)"; }
  in_root "$tmp" "${APT[@]}" install -y "${SID_PACKAGES[@]}" >>"$buildlog" 2>&1 \
    || { tail -n 30 "$buildlog" >&2; die "installing the sid packages failed (log: $buildlog)"; }
  rm -rf "$tmp"/var/cache/apt/archives/*.deb
  chroot "$tmp" dpkg-query -W -f='${Package} ${Version}\n' "${SID_PACKAGES[@]}" >"$tmp/.tsplay-versions"
  rm -f "$buildlog"
  # roots of other package lists are removed (unless something is mounted in them)
  local old
  for old in "$CACHE"/sid-root-*; do
    [[ "$old" == "$root" || "$old" == "$tmp" || ! -d "$old" ]] && continue
    if ! awk -v p="$old/" 'index($2, p) == 1 { found = 1 } END { exit !found }' /proc/mounts; then rm -rf "$old"; fi
  done
  mv "$tmp" "$root"
  log "built $root in $((SECONDS - t0))s"
}

build_server() {
  local root bin t0=$SECONDS buildlog
  root="$(root_path)"
  bin="$(bin_path)"
  if [[ -x "$bin" ]]; then log "reusing $bin"; return; fi
  buildlog="$CACHE/kube-apiserver-build.log"
  rm -rf "$root/build/kube-apiserver"
  mkdir -p "$root/build/kube-apiserver"
  cp "$SRC"/*.go "$root/build/kube-apiserver/"
  rm -f "$root/build/kube-apiserver"/zz_*.go
  : >"$root/build/header.txt"
  log "building the test kube-apiserver in $root (about 7-8 min on 2 cores from an empty Go cache, under half a minute after)"
  in_root "$root" /bin/sh -c '
    set -e
    export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=/var/cache/go-build CGO_ENABLED=0
    go build -o /build/openapi-gen k8s.io/kube-openapi/cmd/openapi-gen
    cd /build/kube-apiserver
    /build/openapi-gen --go-header-file /build/header.txt --output-dir . --output-pkg tsplay/main \
      --output-file zz_openapi.go --report-filename /dev/null "$@"
    # report the Kubernetes version of the packaged sources (0.36.4 -> v1.36.4-tsplay)
    v=$(dpkg-query -W -f="\${Version}" golang-k8s-apiserver-dev | sed "s/^0\./1./; s/[-+~].*//")
    minor=$(echo "$v" | cut -d. -f2)
    go build -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$v-tsplay -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" -o /build/kube-apiserver.bin .
  ' sh "${OPENAPI_PACKAGES[@]}" >"$buildlog" 2>&1 || { tail -n 40 "$buildlog" >&2; die "building the test kube-apiserver failed (log: $buildlog)"; }
  mv -f "$root/build/kube-apiserver.bin" "$bin.tmp"
  mv -f "$bin.tmp" "$bin"
  rm -f "$buildlog"
  keep_newest 3 'kube-apiserver-*'
  log "built $bin in $((SECONDS - t0))s"
}

# The test controller: client-go only, so it builds in well under a minute
# once the server has filled the Go build cache. The three newest binaries
# are kept (worktrees of the project share the cache directory).
build_controller() {
  local root bin t0=$SECONDS buildlog
  root="$(root_path)"
  bin="$(controller_path)"
  if [[ -x "$bin" ]]; then log "reusing $bin"; return; fi
  buildlog="$CACHE/kube-controller-build.log"
  rm -rf "$root/build/kube-controller"
  mkdir -p "$root/build/kube-controller"
  cp "$CTRL_SRC"/*.go "$root/build/kube-controller/"
  log "building the test kube-controller in $root"
  in_root "$root" /bin/sh -c '
    set -e
    export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=/var/cache/go-build CGO_ENABLED=0
    cd /build/kube-controller
    go build -ldflags "-s -w" -o /build/kube-controller.bin .
  ' >"$buildlog" 2>&1 || { tail -n 40 "$buildlog" >&2; die "building the test kube-controller failed (log: $buildlog)"; }
  mv -f "$root/build/kube-controller.bin" "$bin.tmp"
  mv -f "$bin.tmp" "$bin"
  rm -f "$buildlog"
  keep_newest 3 'kube-controller-*'
  log "built $bin in $((SECONDS - t0))s"
}

# The stand-in helm: client-go only, a few seconds once the server has filled
# the Go build cache. The three newest binaries are kept.
build_helm() {
  local root bin t0=$SECONDS buildlog
  root="$(root_path)"
  bin="$(helm_path)"
  if [[ -x "$bin" ]]; then log "reusing $bin"; return; fi
  buildlog="$CACHE/helm-standin-build.log"
  rm -rf "$root/build/helm-standin"
  mkdir -p "$root/build/helm-standin"
  cp "$HELM_SRC"/*.go "$root/build/helm-standin/"
  log "building the stand-in helm in $root"
  in_root "$root" /bin/sh -c '
    set -e
    export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=/var/cache/go-build CGO_ENABLED=0
    cd /build/helm-standin
    go build -ldflags "-s -w" -o /build/helm-standin.bin .
  ' >"$buildlog" 2>&1 || { tail -n 40 "$buildlog" >&2; die "building the stand-in helm failed (log: $buildlog)"; }
  mv -f "$root/build/helm-standin.bin" "$bin.tmp"
  mv -f "$bin.tmp" "$bin"
  rm -f "$buildlog"
  keep_newest 3 'helm-standin-*'
  log "built $bin in $((SECONDS - t0))s"
}

if [[ "${1:-}" == "--paths" ]]; then
  printf 'root=%s\nbin=%s\ncontroller=%s\nhelm=%s\n' "$(root_path)" "$(bin_path)" "$(controller_path)" "$(helm_path)"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || die "run as root (debootstrap, chroot, mount)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/lab/setup.sh installs it)"
mkdir -p "$CACHE"
exec 8>/var/lock/tsplay-kube-apiserver.lock
flock -w "${TSPLAY_LAB_LOCK_WAIT:-1800}" 8 || die "another set-up holds /var/lock/tsplay-kube-apiserver.lock"
sid_root
build_server
build_controller
build_helm
log "test kube-apiserver ready: $(bin_path), controller $(controller_path), stand-in helm $(helm_path) (root $(root_path))"
