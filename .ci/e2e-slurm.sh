#!/usr/bin/env bash
# End-to-end against a real SLURM: starts a single-node SLURM (.ci/slurm.sh), then runs the
# ignored tests of tests/it/slurm/real.rs: `regimes slurm --submit` for a small sweep must give tables
# byte-identical to a local `regimes run`, also after one array task is killed and resubmitted
# alone. Needs root and Debian's slurmctld, slurmd, slurm-client and munge; where they cannot be
# had it says so loudly and skips. The daemons are stopped on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh

if [ "$(id -u)" != 0 ]; then
    ci_skip "SLURM end-to-end check: needs root to install and start munged, slurmctld and slurmd"
    exit 0
fi
if ! ci_install_debian slurmctld slurmd slurm-client munge; then
    ci_skip "SLURM end-to-end check: Debian's slurmctld, slurmd, slurm-client and munge cannot be installed"
    exit 0
fi

export REGIMES_SLURM_DIR=${REGIMES_SLURM_DIR:-/tmp/regimes-slurm}
export SLURM_CONF=$REGIMES_SLURM_DIR/slurm.conf
finish() {
    local status=$?
    if [ "$status" != 0 ]; then
        echo "e2e-slurm: failed ($status); the daemons' last log lines:" >&2
        tail -n 20 "$REGIMES_SLURM_DIR"/log/*.log >&2 || true
    fi
    bash .ci/slurm.sh down
    exit "$status"
}
trap finish EXIT

bash .ci/slurm.sh up
cargo test --test it slurm:: -- --ignored --test-threads=1
