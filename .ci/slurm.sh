#!/usr/bin/env bash
# A single-node SLURM for the end-to-end checks: `.ci/slurm.sh up` starts munged, slurmctld and
# slurmd for this host (as root, without systemd), `.ci/slurm.sh down` stops what `up` started.
# Everything it writes (slurm.conf, state, spool, logs, pid files) lives in $REGIMES_SLURM_DIR
# (default /tmp/regimes-slurm); nothing under /etc is touched, so the clients need
# `export SLURM_CONF=$REGIMES_SLURM_DIR/slurm.conf` (printed by `up`).
# Needs Debian's slurmctld, slurmd, slurm-client and munge (see .ci/e2e-slurm.sh).
# The choices below follow measured facts about SLURM 22.05 without systemd (see docs/CLUSTER.md).
set -euo pipefail

DIR=${REGIMES_SLURM_DIR:-/tmp/regimes-slurm}
CONF=$DIR/slurm.conf

die() {
    echo "slurm.sh: $*" >&2
    exit 1
}

# `command -v a b` succeeds if only one exists: check each.
need_commands() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "command not found: $c (install slurmctld slurmd slurm-client munge)"
    done
}

# Is the process of pid file $1 alive and named $2? (A stale pid may belong to anything, and
# a stopped daemon nobody reaped stays a zombie under its name.)
alive() {
    local pid
    pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] || return 1
    [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] &&
        ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

# Stops the process of pid file $1 if it is named $2: TERM, then KILL after 10 s.
stop() {
    local file=$1 name=$2 pid i
    if ! alive "$file" "$name"; then
        rm -f "$file"
        return 0
    fi
    pid=$(cat "$file" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
        alive "$file" "$name" || break
        sleep 0.25
    done
    if alive "$file" "$name"; then
        echo "slurm.sh: $name (pid $pid) ignored TERM for 10 s: KILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

# Waits up to $1 seconds for the command in the remaining arguments to succeed.
wait_for() {
    local seconds=$1 i
    shift
    for i in $(seq 1 $((seconds * 4))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    return 1
}

write_conf() {
    local host node memory
    host=$(hostname -s)
    # The node's layout as slurmd sees it (CPUs alone made SLURM assume two sockets and refuse
    # the node), with about 90 % of its memory.
    node=$(slurmd -C | head -1 | sed -E 's/ RealMemory=[0-9]+//')
    memory=$(slurmd -C | sed -nE 's/.*RealMemory=([0-9]+).*/\1/p')
    memory=$((memory * 9 / 10))
    cat >"$CONF" <<EOF
ClusterName=regimes-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# The default 3 s delay starts two array tasks every 3 s.
SchedulerParameters=batch_sched_delay=0
# Otherwise an afterok job waits forever for an array that failed.
DependencyParameters=kill_invalid_depend
MinJobAge=600
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
$node RealMemory=$memory State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    # slurmd 22.05 always loads a cgroup plugin; this is what works without systemd.
    cat >"$DIR/cgroup.conf" <<EOF
CgroupPlugin=autodetect
IgnoreSystemdOnFailure=yes
EOF
}

up() {
    [ "$(id -u)" = 0 ] || die "must run as root (the daemons and munge's socket need it)"
    need_commands munged munge unmunge runuser slurmctld slurmd scontrol sinfo sbatch squeue scancel
    export SLURM_CONF=$CONF
    mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"

    # munge: without systemd nobody creates its run directory.
    if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        install -d -o munge -g munge -m 0755 /run/munge
        runuser -u munge -- munged
        touch "$DIR/munged.ours"
        wait_for 10 sh -c 'munge -n | unmunge' || die "munged does not answer (see /var/log/munge/munged.log)"
    fi

    write_conf
    if ! alive "$DIR/slurmctld.pid" slurmctld; then
        # A fresh controller starts from empty state: no jobs left from an earlier session.
        rm -rf "$DIR/state" "$DIR/spool"
        mkdir -p "$DIR/state" "$DIR/spool"
        setsid slurmctld -D -f "$CONF" >>"$DIR/log/slurmctld.out" 2>&1 </dev/null &
    fi
    wait_for 30 sh -c 'scontrol ping | grep -q UP' || die "slurmctld is not UP after 30 s (see $DIR/log/slurmctld.log)"
    if ! alive "$DIR/slurmd.pid" slurmd; then
        setsid slurmd -D -f "$CONF" >>"$DIR/log/slurmd.out" 2>&1 </dev/null &
    fi
    wait_for 30 sh -c 'sinfo -h -o %t | grep -qx idle' || die "the node is not idle after 30 s: $(sinfo -h -o '%t %E' 2>&1) (see $DIR/log/slurmd.log)"
    echo "slurm.sh: single-node SLURM up; export SLURM_CONF=$CONF"
}

down() {
    export SLURM_CONF=$CONF
    if [ -f "$CONF" ] && alive "$DIR/slurmctld.pid" slurmctld; then
        scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    fi
    stop "$DIR/slurmd.pid" slurmd
    stop "$DIR/slurmctld.pid" slurmctld
    if [ -e "$DIR/munged.ours" ]; then
        stop /run/munge/munged.pid munged
        rm -f "$DIR/munged.ours"
    fi
    echo "slurm.sh: stopped"
}

case "${1:-}" in
up) up ;;
down) down ;;
*) die "usage: .ci/slurm.sh up|down" ;;
esac
