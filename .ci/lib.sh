# Shared helpers for .ci/run and its end-to-end checks. Source it; do not run it.

# Loud banner for a check that cannot run here: CI says so, it never passes silently.
ci_skip() {
    printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
    printf '!!! SKIPPED: %s\n' "$*" >&2
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
}

# ci_install_debian PKG...: installs Debian packages that are not yet installed.
# Returns 1 (after saying why) where they cannot be had: not root, no apt-get, or apt failed.
ci_install_debian() {
    local missing=()
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "ci: need root to install ${missing[*]}" >&2
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "ci: no apt-get to install ${missing[*]}" >&2
        return 1
    fi
    if [ -z "${CI_APT_UPDATED:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
        CI_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || return 1
}
