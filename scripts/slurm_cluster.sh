#!/usr/bin/env bash
# A single-node SLURM 22.05 cluster with accounting on this machine (Debian 12, as root), to try
# the cluster launcher (hydra/launcher=slurm) on a laptop or a CI runner: docs/usage_slurm.md.
#
#   scripts/slurm_cluster.sh up      # install what is missing, configure, start, wait until idle
#   scripts/slurm_cluster.sh status  # which daemons run; exit 0 only if all do and the node is up
#   scripts/slurm_cluster.sh down    # stop the daemons this script started, in reverse order
#
# No systemd is needed (or used): munged, MariaDB, slurmdbd, slurmctld and slurmd are started by
# hand, each writing its PID to $SIM_SLURM_STATE (default /var/lib/sim-slurm) and stopped by that
# PID. `up` and `down` are idempotent. MariaDB is a private instance (own data folder, socket and
# loopback port), so a database already on the machine is neither used nor touched; a munged that
# already answers is used and left running. /etc/slurm/slurm.conf and slurmdbd.conf are written
# only if absent or written by this script (a real cluster's files are never overwritten).
# Exit status: 0 done, 1 failed (the message names the daemon and its log), 2 cannot run here.
set -euo pipefail

STATE=${SIM_SLURM_STATE:-/var/lib/sim-slurm}
CLUSTER=${SIM_SLURM_CLUSTER:-simcluster}
PARTITION=${SIM_SLURM_PARTITION:-compute}
DB_PORT=${SIM_SLURM_DB_PORT:-3307}
WAIT_S=${SIM_SLURM_WAIT_S:-60}
CONF_DIR=/etc/slurm
MARK="# written by scripts/slurm_cluster.sh (project simulation); safe to remove"
PACKAGES=(munge slurmctld slurmd slurm-client slurmdbd mariadb-server)
# start order; down stops them in reverse
DAEMONS=(munged mariadbd slurmdbd slurmctld slurmd)

say() { echo "[slurm] $*" >&2; }
die() { say "error: $*"; exit 1; }
cannot() { say "cannot run here: $*"; exit 2; }

pidfile() { echo "$STATE/run/$1.pid"; }
pid_of() { # the PID of a daemon this script started, if it still runs
  local f
  f=$(pidfile "$1")
  [ -s "$f" ] || return 1
  local pid
  pid=$(tr -dc 0-9 <"$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

wait_for() { # wait_for WHAT COMMAND...: until the command succeeds, at most WAIT_S seconds
  local what=$1 t0=$SECONDS
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - t0 >= WAIT_S)); then return 1; fi
    sleep 0.2
  done
  say "$what ready after $((SECONDS - t0)) s"
}

ensure_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || cannot "packages ${missing[*]} missing and no apt-get"
  say "installing ${missing[*]} (apt; starts no daemon)"
  # policy-rc.d 101: the packages' own service starts are refused (no systemd here, and this
  # script starts what it needs itself)
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  local rc=0
  {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"
  } >"$STATE/log/apt.log" 2>&1 || rc=$?
  ((created)) && rm -f "$policy"
  ((rc == 0)) || cannot "apt-get install failed (no network?): see $STATE/log/apt.log"
}

write_conf() { # write_conf PATH MODE OWNER: stdin to PATH, unless PATH is someone else's file
  local path=$1 mode=$2 owner=$3
  if [ -e "$path" ] && ! grep -qF "$MARK" "$path"; then
    die "$path exists and was not written by this script (a real cluster's?); move it away"
  fi
  local tmp
  tmp=$(mktemp "$path.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp" && chown "$owner" "$tmp" && mv -f "$tmp" "$path"
}

configure() {
  local host node mem
  host=$(hostname -s)
  # SLURM looks the node and controller names up; a container's hostname often is not
  if ! getent hosts "$host" >/dev/null; then
    say "adding $host to /etc/hosts (SLURM must resolve it)"
    echo "127.0.0.1 $host" >>/etc/hosts
  fi
  # the node line from the machine's own hardware; UpTime is not a node setting
  node=$(slurmd -C | grep '^NodeName=' | sed 's/ UpTime=.*//')
  [ -n "$node" ] || die "slurmd -C printed no NodeName line"
  # leave 5 % of the memory to the system, so that jobs with mem_gb can be placed
  mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
  node=$(sed "s/RealMemory=[0-9]*/RealMemory=$((mem * 95 / 100))/" <<<"$node")
  mkdir -p "$CONF_DIR"
  write_conf "$CONF_DIR/slurm.conf" 644 root:root <<EOF
$MARK
ClusterName=$CLUSTER
SlurmctldHost=$host
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$(pidfile slurmctld)
SlurmdPidFile=$(pidfile slurmd)
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
# no cgroups in containers and CI runners: track processes by parent, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
# CPUs and memory are what jobs reserve (a job without mem_gb reserves the whole node)
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
# short waits: a cancelled task ends within seconds
KillWait=5
MinJobAge=300
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=5
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobCompType=jobcomp/none
$node State=UNKNOWN
PartitionName=$PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  write_conf "$CONF_DIR/slurmdbd.conf" 600 slurm:slurm <<EOF
$MARK
DbdHost=localhost
SlurmUser=slurm
AuthType=auth/munge
PidFile=$(pidfile slurmdbd)
LogFile=$STATE/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
EOF
}

munge_ok() { munge -n | unmunge; }

start_munged() {
  if munge_ok >/dev/null 2>&1; then
    say "munged already answers (not ours: left as it is)"
    return 0
  fi
  [ -s /etc/munge/munge.key ] || { mungekey --create && chown munge:munge /etc/munge/munge.key; }
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- munged --pid-file="$(pidfile munged)" </dev/null >>"$STATE/log/munged.log" 2>&1 ||
    die "munged did not start: $STATE/log/munged.log"
  wait_for munge munge_ok || die "munge does not answer (munge -n | unmunge)"
}

sql() { mariadb --no-defaults --socket="$STATE/run/mysql.sock" -u root "$@"; }

start_mariadbd() {
  if [ ! -d "$STATE/mysql/mysql" ]; then
    mariadb-install-db --no-defaults --user=mysql --datadir="$STATE/mysql" \
      --auth-root-authentication-method=socket >"$STATE/log/mariadb-install.log" 2>&1 ||
      die "mariadb-install-db failed: $STATE/log/mariadb-install.log"
  fi
  # a private instance: own data, socket and port on the loopback interface only
  nohup mariadbd --no-defaults --user=mysql --datadir="$STATE/mysql" \
    --socket="$STATE/run/mysql.sock" --bind-address=127.0.0.1 --port="$DB_PORT" \
    --pid-file="$(pidfile mariadbd)" --log-error="$STATE/log/mariadb.log" \
    </dev/null >/dev/null 2>&1 &
  wait_for MariaDB sql -e 'select 1' || die "MariaDB did not start: $STATE/log/mariadb.log"
  sql -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
    CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm';
    CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurm';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';" || die "could not create the accounting database"
}

cluster_known() { sacctmgr -n -P list cluster format=cluster | grep -qx "$CLUSTER"; }

start_slurmdbd() {
  slurmdbd </dev/null >>"$STATE/log/slurmdbd.out" 2>&1 || die "slurmdbd did not start: $STATE/log/slurmdbd.log"
  wait_for slurmdbd sacctmgr -n list cluster || die "slurmdbd does not answer: $STATE/log/slurmdbd.log"
  cluster_known || sacctmgr -i add cluster "$CLUSTER" >/dev/null || die "sacctmgr add cluster failed"
}

start_slurmctld() {
  slurmctld </dev/null >>"$STATE/log/slurmctld.out" 2>&1 || die "slurmctld did not start: $STATE/log/slurmctld.log"
}

node_idle() { sinfo -h -p "$PARTITION" -o %T | grep -qE '^(idle|mixed|allocated)'; }

start_slurmd() {
  slurmd </dev/null >>"$STATE/log/slurmd.out" 2>&1 || die "slurmd did not start: $STATE/log/slurmd.log"
  if ! wait_for "node (sinfo idle)" node_idle; then
    # a node left down by an earlier, unclean stop
    scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
    wait_for "node (sinfo idle)" node_idle || die "node not idle: $(sinfo -h -o '%T %E' 2>&1); $STATE/log/slurmd.log"
  fi
}

cmd_up() {
  [ "$(id -u)" = 0 ] || cannot "must run as root (starts system daemons)"
  local t0=$SECONDS
  mkdir -p "$STATE/log" "$STATE/run" "$STATE/ctld" "$STATE/slurmd"
  ensure_packages
  # the daemons write their own PID files and logs, some as their own users (munge, slurm)
  chmod 1777 "$STATE/run" "$STATE/log"
  chown slurm:slurm "$STATE/ctld"
  configure
  for d in "${DAEMONS[@]}"; do
    if pid_of "$d" >/dev/null; then
      say "$d already runs (pid $(pid_of "$d"))"
      continue
    fi
    "start_$d"
  done
  cluster_known || die "cluster $CLUSTER not in the accounting database"
  node_idle || die "node not idle: $(sinfo -h -o '%T %E' 2>&1)"
  say "up in $((SECONDS - t0)) s: cluster $CLUSTER, partition $PARTITION, $(sinfo -h -N -o '%N %c CPUs %m MB %T' | head -1)"
}

stop_pid() { # stop_pid NAME: TERM, then KILL after 15 s
  local name=$1 pid
  pid=$(pid_of "$name") || { rm -f "$(pidfile "$name")"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 75); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name (pid $pid) ignored TERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile "$name")"
  say "stopped $name (pid $pid)"
}

cmd_down() {
  [ "$(id -u)" = 0 ] || cannot "must run as root"
  [ -d "$STATE/run" ] || { say "nothing to stop"; return 0; }
  if pid_of slurmctld >/dev/null; then # no job outlives the cluster
    local jobs
    jobs=$(squeue -h -o %A 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      sleep 1
    fi
  fi
  for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
    stop_pid "${DAEMONS[i]}"
  done
}

cmd_status() {
  local ok=0 pid
  for d in "${DAEMONS[@]}"; do
    if pid=$(pid_of "$d"); then
      echo "$d: running (pid $pid)"
    elif [ "$d" = munged ] && munge_ok >/dev/null 2>&1; then
      echo "$d: running (not started by this script)"
    else
      echo "$d: stopped"
      ok=1
    fi
  done
  if ((ok == 0)) && node_idle 2>/dev/null; then
    sinfo -h -o "partition %P: %D node(s) %T" 2>/dev/null || true
  else
    ok=1
  fi
  return $ok
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
