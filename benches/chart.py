#!/usr/bin/env python3
"""Turn criterion's output into the README's benchmark table and chart.

Reads target/criterion/*/*/new/{benchmark,estimates}.json (the last `cargo bench -p
aspawn-benches` run; under $CARGO_TARGET_DIR or $CRITERION_HOME when set, as criterion does), takes each benchmark's median, and writes:

  docs/bench.md   the markdown tables (parent-blocked µs with ratios to the floor measured in
                  the same run; throughput in spawns/s with ratios to std)
  docs/bench.svg  the chart of the same numbers

With --readme README.md it also replaces the text between the lines
`<!-- bench:begin -->` and `<!-- bench:end -->` of that file with the tables.

Only the python3 standard library is used. Run from the workspace root:

    python3 benches/chart.py --readme README.md
"""

import argparse
import datetime
import json
import math
import os
import platform
import sys
from html import escape

# Benchmark ids (criterion function ids) in the order they are shown, with their labels.
METHODS = [
    ("floor_clone_vm_exec", "floor: clone(CLONE_VM), child execs"),
    ("floor_clone_vm", "floor: clone(CLONE_VM), child exits"),
    ("aspawn_reuse", "aspawn, reused stack (no fd)"),
    ("aspawn_reuse_env_block", "aspawn, reused stack, EnvBlock captured once"),
    ("aspawn_reuse_env_list", "aspawn, reused stack, envp from a prepared list"),
    ("aspawn_reuse_pidfd", "aspawn, reused stack, with_pidfd"),
    ("aspawn_reuse_release_fd", "aspawn, reused stack, with_release_fd"),
    ("aspawn_reuse_pidfd_release_fd", "aspawn, reused stack, pidfd + release fd"),
    ("aspawn_fresh", "aspawn, fresh stack each time"),
    ("aspawn_reuse_empty_env", "aspawn, reused stack, empty envp"),
    ("aspawn_command", "aspawn::Command::spawn_nowait"),
    ("aspawn_64_stacks", "aspawn, 64 reused stacks"),
    ("vfork_exec", "vfork + execve"),
    ("posix_spawn", "glibc posix_spawn"),
    ("std_command", "std Command::spawn"),
    ("std_command_2_threads", "std Command::spawn, 2 threads"),
    ("fork_exec", "fork + execve"),
]
LABEL = dict(METHODS)
ORDER = {m: i for i, (m, _) in enumerate(METHODS)}

BLOCKED = "parent_blocked"
BLOCKED_BIG = "parent_blocked_1GiB"
SERIAL = "throughput_serial"
PIPELINED = "throughput_pipelined"
SERIAL_BIG = "throughput_serial_1GiB"
PIPELINED_TINY = "throughput_pipelined_exit0"
QUEUE = "job_queue"
QUEUE_LABELS = {
    "aspawn": "aspawn `Command::status_async`",
    "tokio_process": "tokio `process::Command::status`",
    "std_blocking": "std `Command::status` on `spawn_blocking`",
}
# Every method of the parent-blocked groups execs: its floor is the clone whose child execs at
# once (the same child work). Older runs without it fall back to the exit floor.
FLOOR_EXEC = "floor_clone_vm_exec"
FLOOR_EXIT = "floor_clone_vm"


def floor_of(group):
    e = group.get(FLOOR_EXEC) or group.get(FLOOR_EXIT) or {}
    return e.get("median_ns")


def load(criterion_dir):
    """{group: {function: {"median_ns": float, "elements": int|None, "mtime": float}}}"""
    results = {}
    for group in sorted(os.listdir(criterion_dir)):
        gdir = os.path.join(criterion_dir, group)
        if not os.path.isdir(gdir) or group == "report":
            continue
        for func in sorted(os.listdir(gdir)):
            new = os.path.join(gdir, func, "new")
            est_path = os.path.join(new, "estimates.json")
            bm_path = os.path.join(new, "benchmark.json")
            if not (os.path.isfile(est_path) and os.path.isfile(bm_path)):
                continue
            with open(est_path) as f:
                est = json.load(f)
            with open(bm_path) as f:
                bm = json.load(f)
            tp = bm.get("throughput") or {}
            results.setdefault(bm.get("group_id", group), {})[
                bm.get("function_id") or func
            ] = {
                "median_ns": est["median"]["point_estimate"],
                "elements": tp.get("Elements"),
                "mtime": os.path.getmtime(est_path),
            }
    return results


def ordered(funcs):
    return sorted(funcs, key=lambda m: (ORDER.get(m, len(ORDER)), m))


def label(m):
    return LABEL.get(m, m)


def fmt_time(ns):
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    return "%.1f µs" % (ns / 1e3)


def fmt_ratio(r):
    return "%.2f×" % r if r < 10 else "%.0f×" % r


def rate(entry):
    """Spawns per second of a throughput benchmark."""
    return entry["elements"] / (entry["median_ns"] / 1e9)


def std_best(group):
    rates = [rate(e) for m, e in group.items() if m.startswith("std_command")]
    return max(rates) if rates else None


def blocked_table(res):
    small, big = res.get(BLOCKED, {}), res.get(BLOCKED_BIG, {})
    if not small and not big:
        return []
    floor_s = floor_of(small)
    floor_b = floor_of(big)
    rows = [
        "| method | parent blocked (median) | × exec floor | with a 1 GiB parent | × exec floor | 1 GiB ÷ small |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for m in ordered(set(small) | set(big)):
        s, b = small.get(m), big.get(m)
        cells = [label(m)]
        for e, floor in ((s, floor_s), (b, floor_b)):
            if e is None:
                cells += ["—", "—"]
            else:
                cells.append(fmt_time(e["median_ns"]))
                cells.append(fmt_ratio(e["median_ns"] / floor) if floor else "—")
        cells.append(
            fmt_ratio(b["median_ns"] / s["median_ns"]) if s and b else "—"
        )
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def throughput_table(res):
    groups = [res.get(g, {}) for g in (SERIAL, PIPELINED, PIPELINED_TINY, SERIAL_BIG)]
    if not any(groups):
        return []
    rows = [
        "| method | one at a time | × std | up to 64 in flight | × std's best "
        "| up to 64 in flight, `exit(0)` program | × std's best | one at a time, 1 GiB parent | × std |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    refs = [std_best(g) for g in groups]
    for m in ordered(set().union(*groups)):
        cells = [label(m)]
        for group, ref in zip(groups, refs):
            e = group.get(m)
            if e is None:
                cells += ["—", "—"]
            else:
                cells.append("{:,.0f}/s".format(rate(e)))
                cells.append(fmt_ratio(rate(e) / ref) if ref else "—")
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def queue_table(res):
    q = res.get(QUEUE, {})
    if not q:
        return []
    ref = q.get("tokio_process")
    rows = ["| front door | jobs/s | × tokio |", "|---|---:|---:|"]
    for m in sorted(q, key=lambda m: list(QUEUE_LABELS).index(m) if m in QUEUE_LABELS else 99):
        r = rate(q[m]) if q[m]["elements"] else None
        ratio = fmt_ratio(r / rate(ref)) if r and ref and ref["elements"] else "—"
        rows.append("| %s | %s | %s |" % (
            QUEUE_LABELS.get(m, m), "{:,.0f}/s".format(r) if r else "—", ratio))
    return rows


def batch_note(res):
    notes = []
    for g, what in ((SERIAL, "one at a time"), (SERIAL_BIG, "with the 1 GiB parent")):
        sizes = {e["elements"] for e in res.get(g, {}).values() if e["elements"]}
        if sizes:
            notes.append("%s: batches of %s" % (what, "/".join(map(str, sorted(sizes)))))
    return "; ".join(notes)


def machine():
    cpus = os.cpu_count()
    return "%s %s, %s, %d cores" % (
        platform.system(),
        platform.release(),
        platform.machine(),
        cpus or 0,
    )


def markdown(res, date):
    out = [
        "Measured %s on %s with `cargo bench -p aspawn-benches`; "
        "medians from criterion, ratios computed by `python3 benches/chart.py`."
        % (date, machine()),
        "",
    ]
    bt = blocked_table(res)
    if bt:
        out += [
            "**Parent-blocked time per spawn of `/bin/true`** — only the call that holds the "
            "caller is timed; the child is reaped outside the measured region. Ratios are to the "
            "exec floor, measured in the same run: a raw `clone(CLONE_VM | SIGCHLD)` whose child "
            "raw-`execve`s `/bin/true` at once, the same child work with nothing around it (the "
            "exit floor's child exits instead). aspawn's rows without `with_pidfd` or "
            "`with_release_fd` make no file descriptor.",
            "",
        ] + bt + [""]
    tt = throughput_table(res)
    if tt:
        note = batch_note(res)
        out += [
            "**Throughput: spawn → exec → reap of `/bin/true`**, spawns per second (median "
            "of 10 samples%s; pipelined reaps the oldest child when 64 are in flight). The "
            "`exit(0)` column spawns a 129-byte static program instead of `/bin/true`, whose "
            "dynamic loading dominates its cost on this VM. Ratios are to std's best in the "
            "same column (`Command::spawn` in a loop or on 2 threads)."
            % ("; " + note if note else ""),
            "",
        ] + tt + [""]
    qt = queue_table(res)
    if qt:
        elements = {e["elements"] for e in res[QUEUE].values() if e["elements"]}
        out += [
            "**A job queue on tokio** (`benches/benches/queue.rs`): %s `/bin/true` jobs per "
            "sample, at most 32 at a time, stdio to `/dev/null`; jobs per second (median)."
            % "/".join(map(str, sorted(elements))),
            "",
        ] + qt + [""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# SVG

COLORS = {
    "small": "#2b6cb0",
    "big": "#dd6b20",
    "serial": "#2f855a",
    "pipe": "#6b46c1",
    "tiny": "#b83280",
    "aspawn": "#1a202c",
}
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


class Svg:
    def __init__(self, width):
        self.width = width
        self.parts = []

    def text(self, x, y, s, size=12, anchor="start", weight="normal", fill="#1a202c"):
        self.parts.append(
            '<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" font-weight="%s" '
            'fill="%s">%s</text>' % (x, y, size, anchor, weight, fill, escape(s))
        )

    def rect(self, x, y, w, h, fill):
        self.parts.append(
            '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
            % (x, y, max(w, 0.5), h, fill)
        )

    def line(self, x1, y1, x2, y2, stroke="#cbd5e0", dash=False):
        self.parts.append(
            '<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1"%s/>'
            % (x1, y1, x2, y2, stroke, ' stroke-dasharray="3,3"' if dash else "")
        )

    def render(self, height):
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'viewBox="0 0 %d %d" font-family="%s">\n'
            '<rect width="100%%" height="100%%" fill="white"/>\n%s\n</svg>\n'
            % (self.width, height, self.width, height, FONT, "\n".join(self.parts))
        )


LEFT = 270  # room for method labels
RIGHT = 200  # room for value labels past the longest bar
BAR = 13
GAP = 3
ROW_GAP = 12


def legend(svg, x, y, items):
    for name, color in items:
        svg.rect(x, y - 10, 12, 12, color)
        svg.text(x + 17, y, name, size=12)
        x += 24 + 7 * len(name)


def panel(svg, y, title, subtitle, rows, series, scale, ticks, tick_label, value_label):
    """rows: [(method, {series_key: value})]; series: [(key, name, color)]."""
    width = svg.width
    plot_w = width - LEFT - RIGHT
    svg.text(20, y, title, size=15, weight="bold")
    y += 18
    svg.text(20, y, subtitle, size=11.5, fill="#4a5568")
    y += 14
    legend(svg, LEFT, y + 8, [(name, color) for _, name, color in series])
    y += 22
    top = y
    heights = [len([k for k, _, _ in series if k in v]) * (BAR + GAP) - GAP for _, v in rows]
    bottom = top + sum(h + ROW_GAP for h in heights) - GAP
    for t in ticks:  # the grid first, so that bars and labels sit on top of it
        x = LEFT + scale(t) * plot_w
        svg.line(x, top - 4, x, bottom, dash=True)
        svg.text(x, bottom + 14, tick_label(t), size=11, anchor="middle", fill="#4a5568")
    svg.line(LEFT, top - 4, LEFT, bottom, stroke="#4a5568")
    for (method, values), h in zip(rows, heights):
        present = [(k, c) for k, _, c in series if k in values]
        is_aspawn = method.startswith("aspawn")
        svg.text(
            LEFT - 10,
            y + h / 2 + 4,
            label(method),
            size=12.5,
            anchor="end",
            weight="bold" if is_aspawn else "normal",
        )
        for k, color in present:
            w = scale(values[k]) * plot_w
            svg.rect(LEFT, y, w, BAR, color)
            svg.text(LEFT + w + 5, y + BAR - 2.5, value_label(values[k], method, k), size=11)
            y += BAR + GAP
        y += ROW_GAP - GAP
    return bottom + 40


def throughput_panel(svg, y, title, subtitle, groups, res):
    """One panel of spawns/s bars, one series per criterion group."""
    data = {g: res.get(g, {}) for g, _, _ in groups}
    if not any(data.values()):
        return y
    rows = []
    for m in ordered(set().union(*data.values())):
        rows.append((m, {g: rate(data[g][m]) for g in data if m in data[g]}))
    top = max(x for _, v in rows for x in v.values())
    step = 10 ** math.floor(math.log10(top))
    if top / step < 3:
        step /= 2
    hi = math.ceil(top / step) * step
    ref = {g: std_best(data[g]) for g in data}

    def value_label(r, m, g):
        s = "{:,.0f}/s".format(r)
        if ref[g] and not m.startswith("std_command"):
            s += " (%s std's best)" % fmt_ratio(r / ref[g])
        return s

    return panel(
        svg,
        y,
        title,
        subtitle,
        rows,
        groups,
        lambda r: r / hi,
        [i * step for i in range(int(round(hi / step)) + 1)],
        lambda r: "{:,.0f}".format(r),
        value_label,
    )


def chart(res, date):
    svg = Svg(960)
    y = 28
    svg.text(20, y, "aspawn vs. every peer — spawning /bin/true", size=18, weight="bold")
    y += 18
    svg.text(
        20,
        y,
        "criterion medians, %s, %s — python3 benches/chart.py" % (date, machine()),
        size=11.5,
        fill="#4a5568",
    )
    y += 34

    small, big = res.get(BLOCKED, {}), res.get(BLOCKED_BIG, {})
    if small or big:
        floors = {"small": floor_of(small), "big": floor_of(big)}
        rows = []
        for m in ordered(set(small) | set(big)):
            v = {}
            if m in small:
                v["small"] = small[m]["median_ns"] / 1e3
            if m in big:
                v["big"] = big[m]["median_ns"] / 1e3
            rows.append((m, v))
        vals = [x for _, v in rows for x in v.values()]
        lo = 10 ** math.floor(math.log10(min(vals)))
        hi = 10 ** math.ceil(math.log10(max(vals)))

        def scale(us):
            return math.log10(us / lo) / math.log10(hi / lo)

        def tick_label(us):
            return "%g ms" % (us / 1e3) if us >= 1000 else "%g µs" % us

        def value_label(us, m, k):
            floor = floors[k]
            ratio = " (%s floor)" % fmt_ratio(us * 1e3 / floor) if floor else ""
            return fmt_time(us * 1e3) + ratio

        ticks = [lo * 10**i for i in range(int(round(math.log10(hi / lo))) + 1)]
        y = panel(
            svg,
            y,
            "Parent-blocked time per spawn — shorter is better (log scale)",
            "Only the call that holds the caller is timed; the child is reaped outside it.",
            rows,
            [("small", "small parent", COLORS["small"]),
             ("big", "1 GiB resident parent", COLORS["big"])],
            scale,
            ticks,
            tick_label,
            value_label,
        )

    y = throughput_panel(
        svg,
        y,
        "Throughput of /bin/true: spawn → exec → reap — longer is better",
        "Spawns per second; pipelined keeps up to 64 children in flight and reaps the oldest first.",
        [(SERIAL, "one at a time", COLORS["serial"]),
         (PIPELINED, "up to 64 in flight", COLORS["pipe"])],
        res,
    )
    y = throughput_panel(
        svg,
        y,
        "Throughput of a 129-byte static exit(0) program, up to 64 in flight",
        "No dynamic loader: what is left is the cost of spawning, exec'ing and reaping itself.",
        [(PIPELINED_TINY, "up to 64 in flight, exit(0) program", COLORS["tiny"])],
        res,
    )
    return svg.render(int(y - 10))


def default_criterion_dir():
    """Where criterion writes its results, by its own rules: `$CRITERION_HOME`, else
    `$CARGO_TARGET_DIR/criterion` (relative to the current directory, as cargo reads it), else
    `target/criterion`."""
    if os.environ.get("CRITERION_HOME"):
        return os.environ["CRITERION_HOME"]
    return os.path.join(os.environ.get("CARGO_TARGET_DIR") or "target", "criterion")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--criterion",
        default=default_criterion_dir(),
        help="criterion's output folder (default: where criterion writes it: $CRITERION_HOME, "
        "else $CARGO_TARGET_DIR/criterion, else target/criterion)",
    )
    ap.add_argument("--out", default="docs", help="where bench.md and bench.svg go")
    ap.add_argument("--readme", help="a file whose bench:begin/bench:end block to replace")
    args = ap.parse_args()

    if not os.path.isdir(args.criterion):
        sys.exit("no %s: run `cargo bench -p aspawn-benches` first" % args.criterion)
    res = load(args.criterion)
    if not res:
        sys.exit("no benchmark results under %s" % args.criterion)
    newest = max(e["mtime"] for g in res.values() for e in g.values())
    date = datetime.date.fromtimestamp(newest).isoformat()

    md = markdown(res, date)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "bench.md"), "w") as f:
        f.write(md)
    with open(os.path.join(args.out, "bench.svg"), "w") as f:
        f.write(chart(res, date))
    print(md)

    if args.readme:
        with open(args.readme) as f:
            text = f.read()
        begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
        if begin not in text or end not in text:
            sys.exit("%s has no %s … %s block" % (args.readme, begin, end))
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(args.readme, "w") as f:
            f.write(head + begin + "\n" + md + "\n" + end + tail)


if __name__ == "__main__":
    main()
