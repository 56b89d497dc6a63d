# ensure.sh — ensure "command-or-path:package" ...: the Debian packages of
# the commands (or files) that are missing, installed with apt-get
# (through sudo when not root).  Sourced by bench.sh and live_lib.sh; ME
# names the script in the message.
# shellcheck shell=bash
ensure() {
  local pair c pkgs=()
  for pair in "$@"; do
    c="${pair%%:*}"
    if [[ "$c" == /* ]]; then [ -e "$c" ] && continue; else command -v "$c" >/dev/null && continue; fi
    pkgs+=("${pair#*:}")
  done
  [ ${#pkgs[@]} -gt 0 ] || return 0
  mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "${ME:-bench}: installing ${pkgs[*]}" >&2
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | $sudo debconf-set-selections
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >&2 ||
    { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >&2; }
}
