"""Verdicts for tests/attrib/run.sh (and scores for attrib_bench.sh):
porttop's reports against the workload's ground truth (workload.py).

  check.py flows TRUTH... -- REPORT [options]
      TRUTH files hold workload.py's lines (both roles, any order); they
      are joined into one connection per (proto, orig, resp) tuple (written
      to --merged FILE as JSON Lines) and each is looked up in REPORT
      (porttop --report flows --format json).  Every end of a connection
      is one of:
        right   the truth's pid and comm
        wrong   a pid (or comm) that is not the truth's: never allowed
        miss    no pid; *_attrib_miss says why (counted per reason)
      and a connection porttop did not report at all is "unseen".
      Options:
        --need all|nowrong   all: every end right (the check fails
                             otherwise); nowrong: attributed ends must be
                             right, misses are only counted (default all)
        --ends orig,resp     the ends judged (default both)
        --miss END=WHY[|WHY...],...
                             END's misses must have one of these reasons
                             (e.g. resp=denied|gone); pid null is then
                             required
        --why END=WHY[|WHY...],...
                             the same, but END may also be attributed
                             (rightly): only a miss's reason is judged
        --allow-unseen N     connections porttop may not report (default 0)
        --src SOURCE         every right end must come from SOURCE
                             (*_attrib: bpf, diag, proc, pcapng)
        --json FILE          the counts as one JSON object
        --partial            the client TRUTH lines are a part of those
                             the server's lines hold (the rest are ignored)
  check.py procs TRUTH... -- REPORT
      porttop --report procs: the server's row counts every connection it
      accepted; every client process has its row, flows 1, exited.
  check.py nethogs TRUTH... -- NETHOGS-OUT REPORT --json FILE
      the benchmark's score of nethogs -t -v 2 (see nethogs_cmd)
  check.py batch TRUTH... -- BATCH
      porttop --batch --view processes --format json: process rows with
      the truth's pids and comms appear in the ticks (while running).
  check.py reuse CLIENT-TRUTH -- REPORT SPORT split|merged
      Clients that bound one UDP port SPORT in turn (workload.py clients
      --same-sport --par 1).  split (eBPF): one flow per client, 1 packet
      each way, its pid and comm (the client whose [t0, t1] holds the
      flow's start), every flow but the last ended "owner".  merged
      (polling): one flow of them all, its orig end with no pid and
      orig_attrib_miss "several".  --lossy (eBPF lost events in the
      run): an orig end may also be missed ("gone", "denied"), never
      another client's.
Line 1 of stdout is the summary (the "ok" line's note); problems follow,
one a line.  Exit 1 when there is a problem.
"""
import collections
import ipaddress
import json
import sys

problems = []


def bad(msg):
    problems.append(msg)


def addr(a):
    return str(ipaddress.ip_address(a.split('%')[0]))


def jsonl(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except ValueError:
                bad('%s line %d is not JSON: %.80s' % (path, n, line))
    return rows


def load_truth(paths, partial=False):
    """One dict per connection: key, proto, orig/resp pid and comm, t0.
    A server line no client line matches is a problem unless partial (the
    clients given are a part of the server's)."""
    orig, resp = [], []
    for p in paths:
        for r in jsonl(p):
            (orig if r['role'] == 'orig' else resp).append(r)
    servers = collections.defaultdict(list)
    for r in resp:
        k = (r['proto'], addr(r['raddr']), r['rport'], addr(r['laddr']),
             r['lport'])
        servers[k].append(r)
    conns = []
    for r in sorted(orig, key=lambda r: r['t0']):
        k = (r['proto'], addr(r['laddr']), r['lport'], addr(r['raddr']),
             r['rport'])
        s = servers[k].pop(0) if servers.get(k) else None
        conns.append(dict(key=k, t0=r['t0'], t1=r['t1'], bytes=r['bytes'],
                          orig_pid=r['pid'], orig_comm=r['comm'],
                          resp_pid=s['pid'] if s else None,
                          resp_comm=s['comm'] if s else None))
    for k, left in servers.items():
        if partial:
            break
        for s in left:
            bad('truth: the server saw %s %s:%s > %s:%s, no client wrote it'
                % k)
    return conns


def fkey(f):
    return (f.get('proto'), addr(f['orig_h']) if f.get('orig_h') else None,
            f.get('orig_p'), addr(f['resp_h']) if f.get('resp_h') else None,
            f.get('resp_p'))


def name(k):
    return '%s %s:%s > %s:%s' % k


def split(args):
    i = args.index('--')
    return args[:i], args[i + 1:]


def opt(args, flag, default):
    if flag in args:
        i = args.index(flag)
        return args[i + 1]
    return default


def judge_flows(conns, flows, ends, need, want_miss, want_src, want_why):
    """Counts per end; problems for wrong ends (always) and misses (need
    all), at most 10 examples of each kind."""
    by_key = collections.defaultdict(list)
    for f in flows:
        by_key[fkey(f)].append(f)
    for v in by_key.values():
        v.sort(key=lambda f: f.get('ts', 0))
    c = {e: collections.Counter() for e in ends}
    src = {e: collections.Counter() for e in ends}
    examples = collections.defaultdict(list)
    unseen = 0
    matched = set()
    flipped = 0
    wire = collections.Counter()
    for t in conns:
        hits = by_key.get(t['key'])
        flip = False
        if not hits:
            # porttop may have made the server the orig (Zeek's rules:
            # e.g. UDP from a "likely server port"): the same ends
            p, oh, op, rh, rp = t['key']
            hits = by_key.get((p, rh, rp, oh, op))
            flip = True
        if not hits:
            unseen += 1
            examples['unseen'].append('not in the report: ' + name(t['key']))
            continue
        f = hits.pop(0)
        matched.add(id(f))
        flipped += flip
        # the client's wire bytes: what it sent, as captured
        t['wire'] = f.get(('resp' if flip else 'orig') + '_wire_bytes', 0)
        wire['total'] += t['wire']
        for e in ends:
            fe = {'orig': 'resp', 'resp': 'orig'}[e] if flip else e
            pid, comm = f.get(fe + '_pid'), f.get(fe + '_comm')
            why, how = f.get(fe + '_attrib_miss'), f.get(fe + '_attrib')
            tpid, tcomm = t[e + '_pid'], t[e + '_comm']
            desc = '%s: %s %s=%s (%s), truth %s (%s)' % (
                name(t['key']), e, 'pid', pid, comm, tpid, tcomm)
            if (pid is None) != (how is None) or (pid is None) == (why is None):
                examples['inconsistent'].append(
                    '%s: %s_pid %r with %s_attrib %r and %s_attrib_miss %r'
                    % (name(t['key']), e, pid, e, how, e, why))
                c[e]['inconsistent'] += 1
            if pid is None:
                c[e]['miss'] += 1
                c[e]['miss:' + str(why)] += 1
                if e in want_why and why not in want_why[e]:
                    examples['miss-reason'].append(
                        '%s: %s_attrib_miss %r, expected %s'
                        % (name(t['key']), e, why,
                           ' or '.join(repr(w) for w in want_why[e])))
                if e in want_miss and why not in want_miss[e]:
                    examples['miss-reason'].append(
                        '%s: %s_attrib_miss %r, expected %s'
                        % (name(t['key']), e, why,
                           ' or '.join(repr(w) for w in want_miss[e])))
                elif need == 'all' and e not in want_miss:
                    examples['miss'].append('%s, miss: %s' % (desc, why))
            elif pid == tpid and comm == tcomm:
                c[e]['right'] += 1
                if e == 'orig':
                    wire['right'] += t['wire']
                src[e][how] += 1
                if want_src and how != want_src:
                    examples['source'].append(
                        '%s: %s_attrib %r, expected %r'
                        % (name(t['key']), e, how, want_src))
                if e in want_miss:
                    examples['miss-reason'].append(
                        '%s: %s attributed (pid %s), expected %s_attrib_miss %s'
                        % (name(t['key']), e, pid, e,
                           ' or '.join(repr(w) for w in want_miss[e])))
            else:
                c[e]['wrong'] += 1
                examples['wrong'].append('WRONG ' + desc + ' via ' + str(how))
    extra = [f for v in by_key.values() for f in v if id(f) not in matched]
    return c, src, examples, unseen, extra, flipped, wire


def flows_cmd(args):
    truth_paths, rest = split(args)
    report = rest[0]
    need = opt(rest, '--need', 'all')
    ends = opt(rest, '--ends', 'orig,resp').split(',')
    want_miss, want_why = ({k: v.split('|') for k, v in
                            (x.split('=') for x in opt(rest, o, '').split(',')
                             if x)} for o in ('--miss', '--why'))
    allow_unseen = int(opt(rest, '--allow-unseen', '0'))
    conns = load_truth(truth_paths, '--partial' in rest)
    merged = opt(rest, '--merged', None)
    if merged:
        with open(merged, 'w') as f:
            for t in conns:
                proto, oh, op, rh, rp = t['key']
                f.write(json.dumps(dict(
                    proto=proto, orig_h=oh, orig_p=op, resp_h=rh, resp_p=rp,
                    orig_pid=t['orig_pid'], orig_comm=t['orig_comm'],
                    resp_pid=t['resp_pid'], resp_comm=t['resp_comm'],
                    t0=t['t0'], t1=t['t1'])) + '\n')
    flows = jsonl(report)
    if not conns:
        bad('the workload made no connection')
    c, src, ex, unseen, extra, flipped, wire = judge_flows(conns, flows, ends, need,
                                            want_miss, opt(rest, '--src', None),
                                            want_why)
    n = len(conns)
    parts = []
    for e in ends:
        pct = 100.0 * c[e]['right'] / n if n else 0.0
        s = '%s %d/%d right (%.1f %%)' % (e, c[e]['right'], n, pct)
        if c[e]['wrong']:
            s += ', %d WRONG' % c[e]['wrong']
        misses = sorted((k[5:], v) for k, v in c[e].items()
                        if k.startswith('miss:'))
        if misses:
            s += ', missed: ' + ' '.join('%s %d' % m for m in misses)
        if src[e]:
            s += ', via ' + ' '.join('%s %d' % kv for kv in sorted(src[e].items()))
        parts.append(s)
    life = sorted(t['t1'] - t['t0'] for t in conns)
    summary = '%d connections (client socket life: median %.1f ms): %s' % (
        n, 1000 * life[len(life) // 2] if life else 0, '; '.join(parts))
    if unseen:
        summary += '; %d not in the report' % unseen
    if flipped:
        summary += '; %d reported server first (judged by end)' % flipped
    if extra:
        summary += '; %d other flows' % len(extra)
    print(summary)
    if unseen > allow_unseen:
        bad('%d connections not in the report' % unseen)
    for kind in ('wrong', 'inconsistent', 'source', 'miss-reason', 'miss',
                 'unseen'):
        if kind == 'unseen' and unseen <= allow_unseen:
            continue
        for m in ex[kind][:10]:
            bad(m)
        if len(ex[kind]) > 10:
            bad('... and %d more (%s)' % (len(ex[kind]) - 10, kind))
    js = opt(rest, '--json', None)
    if js:
        with open(js, 'w') as f:
            json.dump(dict(n=n, unseen=unseen, extra=len(extra), flipped=flipped,
                           wire_total=wire['total'], wire_right=wire['right'],
                           life_ms=1000 * life[len(life) // 2] if life else 0,
                           ends={e: dict(c[e]) for e in ends},
                           src={e: dict(src[e]) for e in ends}), f)


def procs_cmd(args):
    truth_paths, rest = split(args)
    conns = load_truth(truth_paths)
    rows = jsonl(rest[0])
    by_pid = {r.get('pid'): r for r in rows}
    servers = collections.Counter(t['resp_pid'] for t in conns)
    for spid, n in servers.items():
        r = by_pid.get(spid)
        if not r:
            bad('no row for the server, pid %s' % spid)
        elif r.get('flows') != n:
            bad('server pid %s: flows %r, it accepted %d connections'
                % (spid, r.get('flows'), n))
        elif r.get('exited') is not False:
            bad('server pid %s: exited %r, it is running'
                % (spid, r.get('exited')))
    nclients = ok = 0
    for t in conns:
        nclients += 1
        r = by_pid.get(t['orig_pid'])
        if not r:
            bad('no row for client pid %s (%s)' % (t['orig_pid'], t['orig_comm']))
        elif r.get('comm') != t['orig_comm'] or r.get('flows') != 1 or \
                r.get('exited') is not True:
            bad('client pid %s: comm %r flows %r exited %r; truth: comm %r, '
                '1 flow, exited' % (t['orig_pid'], r.get('comm'),
                                    r.get('flows'), r.get('exited'),
                                    t['orig_comm']))
        else:
            ok += 1
    srv = ', '.join('pid %s flows %s' % (p, by_pid.get(p, {}).get('flows'))
                    for p in servers)
    print('server %s (%d connections); %d/%d client rows right (exited, 1 '
          'flow); %d rows in all' % (srv, len(conns), ok, nclients, len(rows)))
    if len(problems) > 10:
        del problems[10:]


def batch_cmd(args):
    truth_paths, rest = split(args)
    conns = load_truth(truth_paths)
    rows = jsonl(rest[0])
    ticks = [r for r in rows if r.get('type') == 'tick']
    procs = [r for r in rows if r.get('type') == 'process']
    final = ticks[-1]['iteration'] if ticks else None
    seen = collections.defaultdict(set)     # pid -> iterations
    comm = {}
    for r in procs:
        seen[r.get('pid')].add(r.get('iteration'))
        comm[r.get('pid')] = r.get('comm')
    want = {}
    for t in conns:
        want[t['orig_pid']] = t['orig_comm']
        want[t['resp_pid']] = t['resp_comm']
    found = live = 0
    for pid, c in want.items():
        if pid not in seen:
            bad('pid %s (%s) in no process row' % (pid, c))
        elif comm[pid] != c:
            bad('pid %s: comm %r, truth %r' % (pid, comm[pid], c))
        else:
            found += 1
            if seen[pid] - {final}:
                live += 1
    # a process row with a client's comm but another pid is a wrong one
    bycomm = {c: p for p, c in want.items()}
    for r in procs:
        p = bycomm.get(r.get('comm'))
        if p is not None and r.get('pid') != p:
            bad('row pid %s with comm %r: that is pid %s'
                % (r.get('pid'), r.get('comm'), p))
            break
    if ticks and not procs:
        bad('no process rows in %d ticks' % len(ticks))
    print('%d ticks, %d process rows; %d/%d workload pids shown with the '
          'right comm, %d of them before the last tick'
          % (len(ticks), len(procs), found, len(want), live))
    if live == 0 and found:
        bad('the processes appear only in the last tick, not while running')
    if len(problems) > 10:
        del problems[10:]


def nethogs_rows(path):
    """nethogs -t -v 2 output: per (name, pid), the largest cumulative
    sent + received bytes of any refresh (a process may leave the list)."""
    best = {}
    with open(path, errors='replace') as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) != 3:
                continue
            try:
                b = float(parts[1]) + float(parts[2])
            except ValueError:
                continue
            who = parts[0].rsplit('/', 2)
            if len(who) != 3:
                continue
            k = (who[0], who[1])
            best[k] = max(best.get(k, 0), b)
    return best


def nethogs_cmd(args):
    """check.py nethogs TRUTH... -- NETHOGS-OUT REPORT --json FILE: score
    nethogs' per-process totals against the clients of TRUTH; REPORT (a
    porttop flows report of the same run) gives each connection's client
    wire bytes, the denominator."""
    truth_paths, rest = split(args)
    conns = load_truth(truth_paths, True)
    rows = nethogs_rows(rest[0])
    flows = jsonl(rest[1])
    wire = {}
    for f in flows:
        wire[fkey(f)] = f.get('orig_wire_bytes', 0)
        p, oh, op, rh, rp = fkey(f)
        wire.setdefault((p, rh, rp, oh, op), f.get('resp_wire_bytes', 0))
    by_pid = collections.defaultdict(float)
    for (nm, pid), b in rows.items():
        by_pid[pid] += b
    unknown = sum(b for (nm, pid), b in rows.items() if nm.startswith('unknown'))
    total = right = seen = 0
    ratios = []
    for t in conns:
        w = wire.get(t['key'], 0)
        total += w
        b = by_pid.get(str(t['orig_pid']), 0)
        if b > 0:
            seen += 1
            right += min(b, w) if w else b
            if w:
                ratios.append(b / w)
    ratios.sort()
    n = len(conns)
    res = dict(n=n, seen=seen, wire_total=total, wire_right=right,
               unknown=unknown,
               ratio=ratios[len(ratios) // 2] if ratios else None)
    print('nethogs: %d/%d client pids with bytes, %.0f of %d client bytes at '
          'the right pid; unknown TCP %.0f bytes (all phases); median bytes '
          'ratio nethogs/porttop %s' % (seen, n, right, total, unknown,
                                        res['ratio']))
    js = opt(rest, '--json', None)
    if js:
        with open(js, 'w') as f:
            json.dump(res, f)


def reuse_cmd(args):
    truth_paths, rest = split(args)
    clients = sorted((t for t in jsonl(truth_paths[0])
                      if t.get('role') == 'orig'), key=lambda t: t['t0'])
    sport, mode = int(rest[1]), rest[2]
    flows = sorted((f for f in jsonl(rest[0]) if f.get('proto') == 'udp'
                    and f.get('orig_p') == sport), key=lambda f: f['ts'])
    n = len(clients)
    if mode == 'merged':
        if len(flows) != 1:
            bad('%d flows from port %d, not the 1 polling cannot split'
                % (len(flows), sport))
        for f in flows:
            got = (f.get('orig_pkts'), f.get('resp_pkts'), f.get('orig_pid'),
                   f.get('orig_attrib_miss'))
            if got != (n, n, None, 'several'):
                bad('flow %s: orig_pkts, resp_pkts, orig_pid, '
                    'orig_attrib_miss %r, not %r'
                    % (f.get('uid'), got, (n, n, None, 'several')))
        print('%d clients on port %d: %d flow(s), orig %s'
              % (n, sport, len(flows), ', '.join(
                  str(f.get('orig_attrib_miss') or f.get('orig_pid'))
                  for f in flows)))
        return
    if len(flows) != n:
        bad('%d flows from port %d, not one per client (%d)'
            % (len(flows), sport, n))
    lossy = '--lossy' in rest
    right = missed = 0
    for i, f in enumerate(flows):
        who = [t for t in clients if t['t0'] <= f['ts'] <= t['t1']]
        want_end = 'owner' if i + 1 < len(flows) else f.get('end')
        if len(who) != 1:
            bad('flow %s at %.6f: %d clients were running then'
                % (f.get('uid'), f['ts'], len(who)))
        elif lossy and f.get('orig_pid') is None and \
                f.get('orig_attrib_miss') in ('gone', 'denied'):
            missed += 1     # eBPF lost events: unknown is truthful
        elif (f.get('orig_pid'), f.get('orig_comm')) != \
                (who[0]['pid'], who[0]['comm']):
            bad('flow %s: orig pid %r comm %r (miss %r), the client was '
                'pid %d %s' % (f.get('uid'), f.get('orig_pid'),
                               f.get('orig_comm'), f.get('orig_attrib_miss'),
                               who[0]['pid'], who[0]['comm']))
        elif (f.get('orig_pkts'), f.get('resp_pkts')) != (1, 1):
            bad('flow %s (pid %d): %r+%r packets, not 1+1'
                % (f.get('uid'), who[0]['pid'], f.get('orig_pkts'),
                   f.get('resp_pkts')))
        elif f.get('end') != want_end:
            bad('flow %s (pid %d): end %r, not %r'
                % (f.get('uid'), who[0]['pid'], f.get('end'), want_end))
        else:
            right += 1
    print('%d clients on port %d: %d flows, %d right (own pid, 1+1 packets)%s'
          % (n, sport, len(flows), right,
             ', %d missed (eBPF lost events)' % missed if missed else ''))


def main(a):
    cmd = {'flows': flows_cmd, 'procs': procs_cmd, 'batch': batch_cmd,
           'nethogs': nethogs_cmd, 'reuse': reuse_cmd}.get(
        a[0] if a else None)
    if not cmd:
        sys.exit(__doc__)
    cmd(a[1:])
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main(sys.argv[1:])
