"""eBPF program run-time statistics for tests/bench/attrib_bench.sh.

  bpfstats.py hold        turn the kernel's BPF run-time statistics on
                          (BPF_ENABLE_STATS: on while this process holds the
                          fd, off again when it exits; nothing is left
                          changed), print "ready", sleep until killed
  bpfstats.py read PID    the programs process PID holds (the prog_id of
                          its fds' /proc/PID/fdinfo: program and link fds;
                          Debian's bpftool shows no owner pids), from
                          bpftool prog show --json: one JSON object
                          {"progs": [{name, id, run_cnt, run_time_ns}],
                          "run_cnt": N, "run_time_ns": N}
  bpfstats.py counters PID   what PID's eBPF side lost: "dropped N" (the
                          events its programs could not put in the ring:
                          the "dropped" variable of its .bss map) and
                          "recursion_misses N" (runs the kernel skipped,
                          summed over its programs); "?" when unknown
"""
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

NR_BPF = {'x86_64': 321, 'aarch64': 280}.get(os.uname().machine)
BPF_ENABLE_STATS = 32
BPF_STATS_RUN_TIME = 0


def hold():
    if NR_BPF is None:
        sys.exit('bpfstats.py: unknown bpf syscall number on this machine')
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(8)        # union bpf_attr: __u32 type
    fd = libc.syscall(NR_BPF, BPF_ENABLE_STATS, attr, 8)
    if fd < 0:
        sys.exit('bpfstats.py: BPF_ENABLE_STATS: %s'
                 % os.strerror(ctypes.get_errno()))
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    print('ready', flush=True)
    while True:
        time.sleep(3600)


def progs():
    out = subprocess.run(['bpftool', 'prog', 'show', '--json'],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def fd_ids(pid, field):
    ids = set()
    d = '/proc/%s/fdinfo' % pid
    for fd in os.listdir(d):
        try:
            with open(os.path.join(d, fd)) as f:
                for line in f:
                    if line.startswith(field + ':'):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def counters(pid):
    dropped = '?'
    try:
        for m in fd_ids(pid, 'map_id'):
            out = subprocess.run(['bpftool', 'map', 'dump', 'id', str(m), '--json'],
                                 capture_output=True, text=True).stdout
            try:
                data = json.loads(out)
            except ValueError:
                continue
            for e in data if isinstance(data, list) else []:
                for sec in (e.get('formatted') or e).get('value', {}).get('.bss', []) \
                        if isinstance(e, dict) else []:
                    if 'dropped' in sec:
                        dropped = sec['dropped']
        ids = fd_ids(pid, 'prog_id')
        miss = sum(p.get('recursion_misses', 0) for p in progs()
                   if p.get('id') in ids)
    except (OSError, subprocess.SubprocessError, ValueError):
        miss = '?'
    print('dropped %s recursion_misses %s' % (dropped, miss))


def read(pid):
    ids = fd_ids(pid, 'prog_id')
    mine = []
    for p in progs():
        if p.get('id') in ids:
            mine.append(dict(name=p.get('name'), id=p.get('id'),
                             run_cnt=p.get('run_cnt', 0),
                             run_time_ns=p.get('run_time_ns', 0)))
    print(json.dumps(dict(progs=mine,
                          run_cnt=sum(p['run_cnt'] for p in mine),
                          run_time_ns=sum(p['run_time_ns'] for p in mine))))


if __name__ == '__main__':
    if sys.argv[1:2] == ['hold']:
        hold()
    elif sys.argv[1:2] == ['counters'] and len(sys.argv) == 3:
        counters(sys.argv[2])
    elif sys.argv[1:2] == ['read'] and len(sys.argv) == 3:
        read(sys.argv[2])
    else:
        sys.exit(__doc__)
