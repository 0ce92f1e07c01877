"""A layered (Sugiyama-style) drawing of a directed graph of boxes, as Graphviz's ``dot`` makes.

This module knows nothing of models: its input is boxes (``Item``: a size and a record
label, or an already laid-out ``Block`` that enters as one box with ports) and edges
between them; ``minikeras.utils.plot`` turns a model into that. The result is positions,
in points (1/72 inch), origin at the top left, y growing downwards. Like ``dot`` it works
in four steps:

1. ranks: a box sits one rank below its lowest input (longest path from the inputs); an edge
   spanning several ranks gets an invisible dummy node in every rank it crosses;
2. order: barycenter sweeps (a node moves to the mean position of its neighbours in the rank
   above, then below) and swaps of neighbours, keeping the order with the fewest crossings;
3. coordinates: rank after rank, each node goes as near its neighbours' mean as the order and
   the gaps allow (a weighted isotonic regression, solved by pool-adjacent-violators);
4. routes: an edge runs straight through its dummies' slots and bends only in the empty gaps
   between ranks, so it never passes behind a box.

A nested drawing (an expanded nested model) is laid out first, on its own, and enters its
parent's layout as one block with ports where its inputs enter and its outputs leave: a
cluster never holds a foreign box. The work is done along two axes, ``u`` across the flow
and ``v`` along it, and turned into x/y for the ``rankdir`` at the end (``to_xy``).

A box's label is a Graphviz record: a list of fields, where a nested list turns the
direction (fields side by side, then stacked, ...); ``record_size`` measures it with the
font that draws it.
"""
from collections import namedtuple
from functools import lru_cache

Box = namedtuple("Box", "x y w h label")           # label: the record (see record_label)
Cluster = namedtuple("Cluster", "x y w h label")   # an expanded nested model; label: its name
Edge = namedtuple("Edge", "src dst points")        # box keys; polyline from src's rim to dst's
Layout = namedtuple("Layout", "boxes edges clusters width height rankdir")

FONT_FAMILY, FONT_SIZE = "DejaVu Sans", 11.0
LINE = 1.25 * FONT_SIZE
PAD_X, PAD_Y = 7.0, 5.0          # text padding inside a record cell
NODESEP, RANKSEP = 20.0, 34.0    # Graphviz: 0.25 in between boxes, 0.5 in between ranks
DUMMY, DUMMY_GAP = 6.0, 9.0      # a dummy's width, and its clearance from its neighbours
CLUSTER_PAD, LOOP = 10.0, 14.0   # cluster margin; how far a self-loop sticks out
RANKDIRS = ("TB", "LR", "BT", "RL")



# ---------------------------------------------------------------------------- records
def record_text(record):
    """The record as Graphviz label text: fields joined by '|', a sub-record in braces."""
    return "|".join(f if isinstance(f, str) else "{" + record_text(f) + "}" for f in record)


@lru_cache(maxsize=None)
def text_width(text):
    """Width in points of one line of ``text``, measured with the font that draws it."""
    # matplotlib is imported here, at the first measurement, not with the module: it is
    # heavy, and laying out a graph whose sizes are given needs none of it.
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath
    font = FontProperties(family=FONT_FAMILY, size=FONT_SIZE)
    return TextToPath().get_text_width_height_descent(text, font, ismath=False)[0]


def record_size(record, across=True):
    """(width, height) of a record whose fields run ``across`` (else down)."""
    if isinstance(record, str):
        lines = record.strip().split("\n")
        return max(text_width(l) for l in lines) + 2 * PAD_X, len(lines) * LINE + 2 * PAD_Y
    sizes = [record_size(field, not across) for field in record]
    if across:
        return sum(w for w, _ in sizes), max(h for _, h in sizes)
    return max(w for w, _ in sizes), sum(h for _, h in sizes)


def record_cells(record, x, y, w, h, across=True):
    """Share the rectangle among the record's fields: ([(text, x, y, w, h)], [dividing lines]).
    Spare room is split evenly, so rows of neighbouring columns line up, as in Graphviz."""
    if isinstance(record, str):
        return [(record.strip(), x, y, w, h)], []
    sizes = [record_size(field, not across) for field in record]
    spare = ((w if across else h) - sum(s[0 if across else 1] for s in sizes)) / len(record)
    cells, lines, pos = [], [], x if across else y
    for i, (field, size) in enumerate(zip(record, sizes)):
        length = size[0 if across else 1] + spare
        if i:
            lines.append(((pos, y), (pos, y + h)) if across else ((x, pos), (x + w, pos)))
        part = (pos, y, length, h) if across else (x, pos, w, length)
        sub_cells, sub_lines = record_cells(field, *part, not across)
        cells += sub_cells
        lines += sub_lines
        pos += length
    return cells, lines



# ---------------------------------------------------------------------------- layout
class Item:
    """A box (``record``) or an expanded nested model (``block``) in one level's layout."""

    def __init__(self, breadth, depth, record=None, block=None):
        self.breadth, self.depth, self.record, self.block = breadth, depth, record, block


class Block:
    """A laid-out level: boxes, clusters and edges in (u, v) from its corner; ``entries[i]`` and
    ``exits[t]`` are (box key, path) from the top rim to input ``i``'s box, and from output
    ``t``'s box to the bottom rim."""

    def __init__(self, breadth, depth, boxes, clusters, edges, entries, exits):
        self.breadth, self.depth = breadth, depth
        self.boxes, self.clusters, self.edges = boxes, clusters, edges
        self.entries, self.exits = entries, exits

    def port(self, kind, index):
        """u offset of entry or exit ``index`` from the block's centre line."""
        path = getattr(self, kind)[index][1]
        return (path[0] if kind == "entries" else path[-1])[0] - self.breadth / 2


def place_level(items, edges, entries, exits, rankdir, label, scope=""):
    """Arrange one level and assemble it into a Block (padded as a cluster, keyed by its
    ``scope``, if it has a ``label``)."""
    arr = _arrange(items, edges, list(exits.values()) if label is not None else [])
    boxes, clusters, paths = {}, {}, []
    for key, item in items.items():
        u0, v0 = arr["corner"][key]
        if item.block is None:
            boxes[key] = (u0, v0, item.breadth, item.depth, item.record)
            continue
        b = item.block
        boxes.update({k: (u + u0, v + v0, *rest) for k, (u, v, *rest) in b.boxes.items()})
        clusters.update({k: (u + u0, v + v0, *rest) for k, (u, v, *rest) in b.clusters.items()})
        paths += [(s, d, _shift(p, u0, v0)) for s, d, p in b.edges]

    def end_key(key, port, kind):
        return key if port is None else getattr(items[key].block, kind)[port][0]

    for (s, sp, d, dp), points in zip(edges, arr["routes"]):
        paths.append((end_key(s, sp, "exits"), end_key(d, dp, "entries"), points))
    breadth, depth = arr["breadth"], arr["depth"]
    if label is None:
        return Block(breadth, depth, boxes, clusters, paths, {}, {})

    # A cluster: a margin all round, the name in a strip at the top left of the drawing.
    label_w, label_h = record_size(label)
    pad_u0 = CLUSTER_PAD + (label_h if rankdir in ("LR", "RL") else 0)
    pad_v0 = CLUSTER_PAD + (label_h if rankdir == "TB" else 0)
    pad_v1 = CLUSTER_PAD + (label_h if rankdir == "BT" else 0)
    breadth = breadth + 2 * CLUSTER_PAD + (label_h if rankdir in ("LR", "RL") else 0)
    depth = depth + pad_v0 + pad_v1
    if rankdir in ("TB", "BT"):
        breadth = max(breadth, label_w + 2 * CLUSTER_PAD)
    else:
        depth = max(depth, label_w + 2 * CLUSTER_PAD)
    boxes = {k: (u + pad_u0, v + pad_v0, *rest) for k, (u, v, *rest) in boxes.items()}
    clusters = {k: (u + pad_u0, v + pad_v0, *rest) for k, (u, v, *rest) in clusters.items()}
    paths = [(s, d, _shift(p, pad_u0, pad_v0)) for s, d, p in paths]
    block_entries = {}
    for i, key in entries.items():
        u, v, b = boxes[key][:3]
        block_entries[i] = (key, [(u + b / 2, 0.0), (u + b / 2, v)])
    block_exits = {}
    for (t, (key, port)), points in zip(exits.items(), arr["exits"]):
        points = _shift(points, pad_u0, pad_v0)
        block_exits[t] = (end_key(key, port, "exits"), points + [(points[-1][0], depth)])
    clusters[scope] = (0.0, 0.0, breadth, depth, label)
    return Block(breadth, depth, boxes, clusters, paths, block_entries, block_exits)


def _shift(points, du, dv):
    return [(u + du, v + dv) for u, v in points]


def _arrange(items, edges, exits):
    """Ranks, order, coordinates and routes of one level's items (module docstring, steps 1-4).

    ``edges`` are (src, src port, dst, dst port), ports being the exit/entry indices of blocks
    (None for boxes); ``exits`` are (src, port) pairs to lead down to the level's bottom."""
    level = _Level(items, edges, exits)
    level.order()
    level.coordinates()
    return level.routes()


class _Level:
    """One level's graph going through the steps; nodes are item keys and dummies (tuples)."""

    def __init__(self, items, edges, exits):
        self.items, self.edges = items, edges
        self.breadth = {k: item.breadth for k, item in items.items()}
        self.depth = {k: item.depth for k, item in items.items()}
        self.rank, self.back = _ranks(list(items), edges)
        self.last = max(self.rank.values(), default=0)
        self.rows = {r: [] for r in range(self.last + 1)}   # the nodes of each rank, in order
        for k in items:
            self.rows[self.rank[k]].append(k)
        # Each edge becomes a chain of nodes with one dummy per rank crossed; turned-round
        # edges meet blocks at their rim rather than at a port; exits run to the bottom rank.
        self.loops, self.flows = set(), []
        for s, sp, d, dp in edges:
            a, ap, b, bp = (d, None, s, None) if (s, d) in self.back else (s, sp, d, dp)
            if a == b:
                self.loops.add(a)
                self.flows.append(None)
            else:
                self.flows.append((self._chain(a, self.rank[b]) + [b], ap, bp))
        self.exits = [(self._chain(a, self.last + 1), ap, None) for a, ap in exits]
        self.chains = [f for f in self.flows if f is not None] + self.exits
        # Segments between neighbouring ranks: (upper, its port offset, lower, its port offset,
        # weight, hint); long edges weigh more, so they are drawn straight, as Graphviz does.
        # The hint (in slots) leans a merge's inputs in argument order, add([x, y]) drawing x
        # left of y, unless that costs a crossing.
        arguments = {}
        for nodes, _, bp in self.chains:
            if bp is None:
                arguments.setdefault(nodes[-1], []).append(id(nodes))
        self.segments = {r: [] for r in range(-1, self.last + 1)}
        for nodes, ap, bp in self.chains:
            for j, (a, b) in enumerate(zip(nodes, nodes[1:])):
                weight = (1.0, 2.0, 8.0)[isinstance(a, tuple) + isinstance(b, tuple)]
                a_off = self._offset(a, "exits", ap) if j == 0 else 0.0
                b_off = self._offset(b, "entries", bp) if j == len(nodes) - 2 else 0.0
                hint = 0.0
                if j == len(nodes) - 2 and bp is None and b in arguments:
                    k = len(arguments[b])
                    hint = 0.8 * (arguments[b].index(id(nodes)) - (k - 1) / 2) / k
                self.segments[self.rank[a]].append((a, a_off, b, b_off, weight, hint))

    def _chain(self, a, b_rank):
        nodes = [a]
        for r in range(self.rank[a] + 1, b_rank):
            dummy = ("dummy", len(self.breadth))
            self.breadth[dummy], self.depth[dummy], self.rank[dummy] = DUMMY, 0.0, r
            self.rows[r].append(dummy)
            nodes.append(dummy)
        return nodes

    def _offset(self, node, kind, index):
        """Where a chain meets its end node: a block's port, or the middle."""
        return 0.0 if index is None else self.items[node].block.port(kind, index)

    # 2. Order --------------------------------------------------------------------------
    def _renumber(self, r):
        for i, n in enumerate(self.rows[r]):
            self.pos[n] = i

    def _slot(self, n, off):   # a node's place in its row, shifted to the port (in slots)
        return self.pos[n] + (max(-0.45, min(0.45, off / self.breadth[n])) if off else 0.0)

    def crossings(self, r):
        """Crossings between rank ``r`` and ``r + 1``."""
        s = [(self._slot(a, ao), self._slot(b, bo)) for a, ao, b, bo, *_ in self.segments.get(r, ())]
        return sum((s[i][0] - s[j][0]) * (s[i][1] - s[j][1]) < 0
                   for i in range(len(s)) for j in range(i))

    def _sweep(self, down):
        """Sort each rank by the mean slot of its neighbours in the rank before it."""
        for r in (range(1, self.last + 1) if down else range(self.last - 1, -1, -1)):
            pulls = {n: [] for n in self.rows[r]}
            for a, ao, b, bo, _, hint in self.segments[r - 1 if down else r]:
                if down:
                    pulls[b].append(self._slot(a, ao) - self._slot(b, bo) + self.pos[b])
                else:
                    pulls[a].append(self._slot(b, bo) + hint - self._slot(a, ao) + self.pos[a])
            self.rows[r].sort(key=lambda n: sum(pulls[n]) / len(pulls[n]) if pulls[n] else self.pos[n])
            self._renumber(r)

    def _transpose(self):
        """Swap neighbours while that removes crossings (the sweeps miss some)."""
        for _ in range(8):
            improved = False
            for r, row in self.rows.items():
                for i in range(len(row) - 1):
                    before = self.crossings(r - 1) + self.crossings(r)
                    row[i], row[i + 1] = row[i + 1], row[i]
                    self._renumber(r)
                    if self.crossings(r - 1) + self.crossings(r) < before:
                        improved = True
                    else:
                        row[i], row[i + 1] = row[i + 1], row[i]
                        self._renumber(r)
            if not improved:
                return

    def order(self):
        self.pos = {}
        for r in self.rows:
            self._renumber(r)
        best, fewest = None, None
        for i in range(16):   # down, up, down, ...: at least once each way, for the hints
            self._sweep(down=i % 2 == 0)
            self._transpose()
            count = sum(self.crossings(r) for r in self.rows)
            if fewest is None or count <= fewest:
                best, fewest = {r: list(row) for r, row in self.rows.items()}, count
            if count == 0 and i >= 2:
                break
        self.rows = best
        for r in self.rows:
            self._renumber(r)

    # 3. Coordinates ----------------------------------------------------------------------
    def _gap(self, a, b):
        """Least distance between the centres of neighbours ``a`` and ``b``."""
        clearance = DUMMY_GAP if isinstance(a, tuple) or isinstance(b, tuple) else NODESEP
        return (self.breadth[a] + self.breadth[b]) / 2 + clearance + (LOOP if a in self.loops else 0)

    def _place(self, r, neighbours):
        """Move rank ``r``'s nodes as near the weighted mean of their neighbours as allowed."""
        row, wanted, weights = self.rows[r], [], []
        for n in row:
            pulls = [(self.x[m] + off, w) for side in neighbours for m, off, w in side[n]]
            total = sum(w for _, w in pulls)
            wanted.append(sum(p * w for p, w in pulls) / total if total else self.x[n])
            weights.append(total or 1e-3)
        gaps = [self._gap(a, b) for a, b in zip(row, row[1:])]
        for n, value in zip(row, _fit(wanted, weights, gaps)):
            self.x[n] = value

    def coordinates(self):
        up, down = {n: [] for n in self.breadth}, {n: [] for n in self.breadth}
        for segments in self.segments.values():
            for a, ao, b, bo, w, _ in segments:
                down[a].append((b, bo - ao, w))
                up[b].append((a, ao - bo, w))
        self.x = {}
        for row in self.rows.values():
            for i, n in enumerate(row):
                self.x[n] = self.x[row[i - 1]] + self._gap(row[i - 1], n) if i else 0.0
        for i in range(7):   # down and up, then down again: a merge ends centred under its inputs
            for r in range(1, self.last + 1):
                self._place(r, (up,))
            for r in range(self.last - 1, -1, -1) if i < 6 else ():
                self._place(r, (down,))
        left = min(self.x[n] - self.breadth[n] / 2 for n in self.x)
        self.width = max(self.x[n] + self.breadth[n] / 2 + (LOOP if n in self.loops else 0)
                         for n in self.x) - left
        for n in self.x:
            self.x[n] -= left
        band = [max(self.depth[n] for n in self.rows[r]) for r in range(self.last + 1)]
        self.top = [0.0]
        for r in range(self.last):
            self.top.append(self.top[-1] + band[r] + RANKSEP)
        self.bottom = [t + b for t, b in zip(self.top, band)]
        self.corner = {n: (self.x[n] - self.breadth[n] / 2,
                           self.top[self.rank[n]] + (band[self.rank[n]] - self.depth[n]) / 2)
                       for n in self.x}

    # 4. Routes ---------------------------------------------------------------------------
    def _spread_ports(self):
        """Arrows leaving (or entering) one box spread along its rim, ordered by where they go,
        so they do not cross at the box."""
        self.out_u, self.in_u, leaving, arriving = {}, {}, {}, {}
        for c, (nodes, ap, bp) in enumerate(self.chains):
            if len(nodes) == 1:
                leaving.setdefault(nodes[0], []).append((self.x[nodes[0]], c))
                continue
            direct = len(nodes) == 2
            leaving.setdefault(nodes[0], []).append(
                (self.x[nodes[1]] + (self._offset(nodes[1], "entries", bp) if direct else 0), c))
            arriving.setdefault(nodes[-1], []).append(
                (self.x[nodes[-2]] + (self._offset(nodes[0], "exits", ap) if direct else 0), c))
        for ends, ports in ((leaving, self.out_u), (arriving, self.in_u)):
            for n, targets in ends.items():
                targets.sort()
                step = min(14.0, 0.7 * self.breadth[n] / max(len(targets) - 1, 1))
                for j, (_, c) in enumerate(targets):
                    ports[c] = self.x[n] + (j - (len(targets) - 1) / 2) * step

    def _route(self, c, nodes, ap, bp, is_exit=False):
        """Down the source's rank band, across the gap, down each dummy's band, ..."""
        a, b = nodes[0], nodes[-1]
        ua, va = self.corner[a]
        if ap is None:
            points = [(self.out_u[c], va + self.depth[a])]
        else:
            points = _shift(self.items[a].block.exits[ap][1], ua, va)
        points.append((points[-1][0], self.bottom[self.rank[a]]))
        for d in nodes[1:]:
            if isinstance(d, tuple):
                points += [(self.x[d], self.top[self.rank[d]]), (self.x[d], self.bottom[self.rank[d]])]
        if not is_exit:
            ub, vb = self.corner[b]
            if bp is None:
                points += [(self.in_u[c], self.top[self.rank[b]]), (self.in_u[c], vb)]
            else:
                entry = _shift(self.items[b].block.entries[bp][1], ub, vb)
                points += [(entry[0][0], self.top[self.rank[b]])] + entry
        return [p for j, p in enumerate(points) if j == 0 or p != points[j - 1]]

    def routes(self):
        self._spread_ports()
        routes, c = [], 0
        for (s, _, d, _), flow in zip(self.edges, self.flows):
            if flow is None:   # a layer feeding itself: a loop beside its box
                (u, v), b, h = self.corner[s], self.breadth[s], self.depth[s]
                routes.append([(u + b, v + h / 4), (u + b + LOOP, v + h / 4),
                               (u + b + LOOP, v + 3 * h / 4), (u + b, v + 3 * h / 4)])
                continue
            points = self._route(c, *flow)
            routes.append(points[::-1] if (s, d) in self.back else points)
            c += 1
        exits = [self._route(c + j, *flow, is_exit=True) for j, flow in enumerate(self.exits)]
        return {"corner": {k: self.corner[k] for k in self.items}, "routes": routes,
                "exits": exits, "breadth": self.width, "depth": self.bottom[-1]}


def _ranks(keys, edges):
    """Longest-path ranks from the sources. An edge closing a cycle (a layer shared along one
    path: a(b(a(x)))) is found by depth-first search, turned round for the ranking, and later
    drawn pointing back up. Returns (rank of each key, set of turned (src, dst) pairs)."""
    succ = {k: [] for k in keys}
    for s, _, d, _ in edges:
        if s != d:
            succ[s].append(d)
    state, back, finished = {}, set(), []
    for root in keys:
        if root in state:
            continue
        state[root], stack = "open", [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = "done"
                finished.append(node)
                stack.pop()
            elif state.get(child) == "open":
                back.add((node, child))
            elif child not in state:
                state[child] = "open"
                stack.append((child, iter(succ[child])))
    preds = {k: [] for k in keys}
    for s, _, d, _ in edges:
        if s != d:
            a, b = (d, s) if (s, d) in back else (s, d)
            preds[b].append(a)
    rank = {}
    for node in reversed(finished):   # reversed finishing order is a topological order
        rank[node] = max((rank[p] + 1 for p in preds[node]), default=0)
    return rank, back


def _fit(wanted, weights, gaps):
    """Positions nearest ``wanted`` (weighted least squares) with x[i+1] - x[i] >= gaps[i]:
    subtracting the running gap turns it into isotonic regression, solved by pooling."""
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    pools = []   # [mean, weight, count]
    for want, w, off in zip(wanted, weights, offsets):
        pools.append([want - off, w, 1])
        while len(pools) > 1 and pools[-2][0] > pools[-1][0]:
            m2, w2, n2 = pools.pop()
            m1, w1, n1 = pools.pop()
            pools.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    fitted = [m for m, _, n in pools for _ in range(n)]
    return [f + off for f, off in zip(fitted, offsets)]


def to_xy(block, rankdir):
    """Turn the (u, v) layout into x/y for ``rankdir``: TB keeps it, LR swaps, BT/RL mirror."""
    depth = block.depth

    def point(u, v):
        return {"TB": (u, v), "BT": (u, depth - v), "LR": (v, u), "RL": (depth - v, u)}[rankdir]

    def rect(u, v, b, d):
        x0, y0 = point(u, v)
        x1, y1 = point(u + b, v + d)
        return min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)

    boxes = {k: Box(*rect(*r[:4]), r[4]) for k, r in block.boxes.items()}
    clusters = {k[:-1]: Cluster(*rect(*r[:4]), r[4]) for k, r in block.clusters.items()}
    edges = [Edge(s, d, [point(u, v) for u, v in p]) for s, d, p in block.edges]
    width, height = (block.breadth, depth) if rankdir in ("TB", "BT") else (depth, block.breadth)
    return Layout(boxes, edges, clusters, width, height, rankdir)
