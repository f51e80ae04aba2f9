#!/usr/bin/env bash
# The tsplay test lab: makes a fresh Debian 12 machine (as root) ready for the
# test suite, skipping whatever is already there.
#
#   1. installs docker.io, debootstrap, ansible-core, golang-go and
#      golang-github-vmware-govmomi-dev (apt-get update only if one of them is
#      missing);
#   2. starts dockerd in the background unless `docker info` already answers
#      (one engine per machine, on the default socket; log in $TSPLAY_DOCKERD_LOG);
#   3. builds the lab images unless they exist: a Debian bookworm rootfs from
#      debootstrap, imported as tsplay-lab/base:<tag>, then tsplay-lab/systemd:<tag>
#      and tsplay-lab/sshd:<tag> built FROM it. <tag> is a hash of this script
#      and of scripts/lab/images/**, so changing them rebuilds the lab;
#   4. builds vcsim, govmomi's vCenter simulator (test/doubles/vcsim/main.go,
#      GOPATH mode against Debian's govmomi source, about 15-30 s), to
#      $TSPLAY_VCSIM_DIR/vcsim-<hash of main.go> unless that file exists;
#   5. in the background while 2-4 run, scripts/lab/kube-apiserver.sh: the
#      test Kubernetes API server (test/doubles/kube-apiserver), built in a
#      Debian sid root with etcd and kubectl (about 9 min the first time,
#      cached by source hash under /var/cache/tsplay-lab after).
#
# Usage: scripts/lab/setup.sh          set everything up
#        scripts/lab/setup.sh --tag    print the image tag and exit (no side effects)
#        scripts/lab/setup.sh --vcsim  print the vcsim binary's path and exit (no side effects)
#
# Environment: TSPLAY_LAB_MIRROR (Debian mirror, default http://deb.debian.org/debian),
#              TSPLAY_DOCKERD_LOG (default /var/log/tsplay-dockerd.log),
#              TSPLAY_DOCKERD_WAIT (seconds to wait for the engine, default 60),
#              TSPLAY_VCSIM_DIR (where vcsim binaries are cached, default /var/cache/tsplay-lab).
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGES_DIR="$LAB_DIR/images"
MIRROR="${TSPLAY_LAB_MIRROR:-http://deb.debian.org/debian}"
DOCKERD_LOG="${TSPLAY_DOCKERD_LOG:-/var/log/tsplay-dockerd.log}"
DOCKERD_WAIT="${TSPLAY_DOCKERD_WAIT:-60}"
HOST_PACKAGES=(docker.io debootstrap ansible-core golang-go golang-github-vmware-govmomi-dev)
VCSIM_SRC="$(cd "$LAB_DIR/../../test/doubles/vcsim" && pwd)"
VCSIM_DIR="${TSPLAY_VCSIM_DIR:-/var/cache/tsplay-lab}"
ROOTFS_PACKAGES=openssh-server,python3,sudo,iproute2,procps,kmod,systemd,systemd-sysv,dbus,ca-certificates,gnupg,curl,apt-utils

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

# The hash of the image build inputs: the rootfs package list, the build_images
# function below, then every file under images/ (path and content, in byte
# order of the path). Other parts of this script (host packages, vcsim) do not
# change the tag, so editing them does not rebuild the images.
lab_tag() {
  {
    printf '%s\n' "$ROOTFS_PACKAGES"
    declare -f build_base build_image
    (cd "$LAB_DIR" && find images -type f | LC_ALL=C sort) | while IFS= read -r f; do
      printf '%s\n' "$f"
      cat "$LAB_DIR/$f"
    done
  } | sha256sum | cut -c1-12
}

# The vcsim binary for the current source (test/lab/vcsim.ts asks for it with --vcsim).
vcsim_path() { printf '%s/vcsim-%s\n' "$VCSIM_DIR" "$(cat "$VCSIM_SRC"/*.go | sha256sum | cut -c1-12)"; }


install_packages() {
  local missing=()
  for p in "${HOST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then log "packages present: ${HOST_PACKAGES[*]}"; return; fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_engine() {
  if docker info >/dev/null 2>&1; then log "docker engine answers"; return; fi
  command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
  if pgrep -x dockerd >/dev/null; then
    log "dockerd is running but does not answer yet; waiting"
  else
    log "starting dockerd (log: $DOCKERD_LOG)"
    # setsid: the engine outlives this script and the shell or job that ran it
    setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null 9>&- &
  fi
  local deadline=$((SECONDS + DOCKERD_WAIT))
  until docker info >/dev/null 2>&1; do
    if ! pgrep -x dockerd >/dev/null; then
      tail -n 5 "$DOCKERD_LOG" >&2 || true
      die "dockerd exited before answering (log: $DOCKERD_LOG)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "docker engine did not answer within ${DOCKERD_WAIT}s (log: $DOCKERD_LOG)"
    fi
    sleep 0.5
  done
  log "docker engine answers after $((SECONDS - deadline + DOCKERD_WAIT))s"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_base() {
  local image="$1" rootfs
  if image_exists "$image"; then log "reusing $image"; return; fi
  rootfs="$(mktemp -d /var/tmp/tsplay-lab-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"' RETURN
  log "debootstrap bookworm into $rootfs (about 45 s)"
  local t0=$SECONDS
  debootstrap --variant=minbase --include="$ROOTFS_PACKAGES" bookworm "$rootfs" "$MIRROR" \
    >"$rootfs.log" 2>&1 || { tail -n 30 "$rootfs.log" >&2; die "debootstrap failed (log: $rootfs.log)"; }
  rm -f "$rootfs.log"
  # keep the image small and free of this machine's state
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/etc/machine-id
  : >"$rootfs/etc/machine-id"
  printf 'deb %s bookworm main\n' "$MIRROR" >"$rootfs/etc/apt/sources.list"
  tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$image" >/dev/null
  log "built $image in $((SECONDS - t0))s"
}

build_image() {
  local kind="$1" base="$2" image="$3"
  if image_exists "$image"; then log "reusing $image"; return; fi
  local t0=$SECONDS buildlog
  buildlog="$(mktemp /var/tmp/tsplay-lab-build.XXXXXX)"
  # DOCKER_BUILDKIT=0: the classic builder resolves FROM in the local image
  # store; there is no registry to pull from.
  DOCKER_BUILDKIT=0 docker build -q --build-arg BASE="$base" -t "$image" "$IMAGES_DIR/$kind" >"$buildlog" 2>&1 \
    || { cat "$buildlog" >&2; die "building $image failed"; }
  rm -f "$buildlog"
  log "built $image in $((SECONDS - t0))s"
}

# Images of earlier build inputs: removed unless a container still uses them.
prune_old() {
  local keep="$1" ref
  for ref in $(docker image ls --format '{{.Repository}}:{{.Tag}}' 'tsplay-lab/*'); do
    [[ "$ref" == *":$keep" ]] && continue
    if docker image rm "$ref" >/dev/null 2>&1; then log "removed old image $ref"; fi
  done
}

# vcsim from Debian's govmomi source (GOPATH mode: no module proxy needed).
# Built to a temporary name, then renamed, so a half-written binary is never used;
# binaries of older sources are removed.
build_vcsim() {
  local bin t0=$SECONDS buildlog
  bin="$(vcsim_path)"
  if [[ -x "$bin" ]]; then log "reusing $bin"; return; fi
  mkdir -p "$VCSIM_DIR"
  buildlog="$(mktemp /var/tmp/tsplay-lab-vcsim.XXXXXX)"
  (cd "$VCSIM_SRC" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$VCSIM_DIR/go-build" GOFLAGS= \
    go build -o "$bin.tmp" .) >"$buildlog" 2>&1 || { cat "$buildlog" >&2; die "building vcsim failed"; }
  rm -f "$buildlog"
  mv -f "$bin.tmp" "$bin"
  find "$VCSIM_DIR" -maxdepth 1 -name 'vcsim-*' ! -name "$(basename "$bin")" -delete
  log "built $bin in $((SECONDS - t0))s"
}

# (after the functions: the tag hashes build_base and build_image)
if [[ "${1:-}" == "--tag" ]]; then lab_tag; exit 0; fi
if [[ "${1:-}" == "--vcsim" ]]; then vcsim_path; exit 0; fi

[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and starts dockerd)"

# Several test runs may start at once; only one sets the lab up at a time.
# (dockerd is started with this descriptor closed, or it would hold the lock
# for as long as it runs.)
LOCK=/var/lock/tsplay-lab.lock
exec 9>"$LOCK"
flock -w "${TSPLAY_LAB_LOCK_WAIT:-900}" 9 || die "another lab set-up holds $LOCK"

install_packages
# the Kubernetes test API server: a long build the first time, so it runs in
# the background while the engine and the images are set up
bash "$LAB_DIR/kube-apiserver.sh" 9>&- &
KAPI_PID=$!
build_vcsim
start_engine
TAG="$(lab_tag)"
build_base "tsplay-lab/base:$TAG"
build_image systemd "tsplay-lab/base:$TAG" "tsplay-lab/systemd:$TAG"
build_image sshd "tsplay-lab/base:$TAG" "tsplay-lab/sshd:$TAG"
prune_old "$TAG"
wait "$KAPI_PID" || die "setting up the test kube-apiserver failed (see above)"
log "lab ready: tsplay-lab/{systemd,sshd}:$TAG, $(vcsim_path), $(bash "$LAB_DIR/kube-apiserver.sh" --paths | sed -n 's/^bin=//p')"
