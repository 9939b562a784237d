// samsa web console: renders the pages from the JSON endpoints (/api/...). Plain DOM, no libraries; every
// value from the broker is inserted as text (textContent), never as HTML.
"use strict";
(function () {
  const REFRESH_MS = 5000;
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const COLORS = ["#2f6fd6", "#d6672f", "#1a7f37", "#9b3fd6", "#c2185b", "#00838f", "#8d6e63", "#5c6bc0"];

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // columns: [{title, num?}], rows: arrays of cells (strings, numbers or nodes)
  function table(columns, rows, attrs) {
    const head = el("tr", {}, columns.map((c) => el("th", { class: c.num ? "num" : null }, c.title)));
    const body = rows.map((r) => el("tr", {}, r.map((cell, i) => el("td", { class: columns[i].num ? "num" : null }, cell))));
    if (rows.length === 0)
      body.push(el("tr", {}, el("td", { colspan: columns.length, class: "muted" }, "none")));
    return el("table", attrs || {}, el("thead", {}, head), el("tbody", {}, body));
  }

  async function api(path) {
    const r = await fetch(path, { headers: { Accept: "application/json" } });
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      throw new Error(path + ": HTTP " + r.status);
    }
    if (!r.ok) throw new Error((body && body.error) || path + ": HTTP " + r.status);
    return body;
  }

  function showError(msg) {
    const e = $("error");
    e.hidden = !msg;
    e.textContent = msg || "";
  }

  const num = (n) => (n === null || n === undefined ? "\u2014" : Number(n).toLocaleString("en-US"));
  function bytes(n) {
    if (n === null || n === undefined) return "\u2014";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }
  const rate = (v, unit) => (v === null || v === undefined ? "\u2014" : (v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString("en-US")) + " " + unit);
  const badge = (text, kind) => el("span", { class: "badge " + (kind || "") }, text);
  const card = (k, v) => el("div", { class: "card" }, el("div", { class: "v" }, v), el("div", { class: "k" }, k));
  const topicLink = (name) => el("a", { href: "/topics/" + encodeURIComponent(name) }, name);
  const groupLink = (name) => el("a", { href: "/groups/" + encodeURIComponent(name) }, name);
  const nameFromPath = (prefix) => decodeURIComponent(location.pathname.slice(prefix.length));

  // Runs fn now and every REFRESH_MS; marks the body ready after the first run (tests wait for it).
  function refreshing(fn) {
    const run = async () => {
      try {
        await fn();
        showError(null);
        $("updated").textContent = "updated " + new Date().toLocaleTimeString();
      } catch (e) {
        showError(e.message);
      }
      document.body.dataset.ready = "1";
    };
    run();
    setInterval(run, REFRESH_MS);
  }

  function section(id, title, ...children) {
    return el("section", { id: id }, el("h2", {}, title), children);
  }

  // -- overview -------------------------------------------------------------------------------------------
  async function overview() {
    const o = await api("/api/overview");
    const nodes = table([{ title: "Node" }, { title: "Kafka listener" }, { title: "State" }, { title: "Role" }],
      o.nodes.map((n) => [String(n.id), n.kafka || "\u2014", n.fenced ? badge("fenced", "bad") : badge("unfenced", "ok"),
        [n.quorum_leader ? badge("quorum leader") : null, n.this_node ? " this node" : null]]), { id: "nodes" });
    const topics = table([{ title: "Topic" }, { title: "Partitions", num: true }, { title: "RF", num: true },
      { title: "Size", num: true }, { title: "Records", num: true }, { title: "In", num: true },
      { title: "In bytes", num: true }, { title: "Out bytes", num: true }, { title: "Status" }],
    o.topics.map((t) => [topicLink(t.name), num(t.partitions), num(t.replication_factor), bytes(t.size_bytes),
      num(t.records), rate(t.rates && t.rates.records_in_per_s, "rec/s"), rate(t.rates && t.rates.bytes_in_per_s, "B/s"),
      rate(t.rates && t.rates.bytes_out_per_s, "B/s"),
      [t.offline_partitions ? badge(t.offline_partitions + " offline", "bad") : null,
        t.under_replicated_partitions ? badge(t.under_replicated_partitions + " under-replicated", "bad") : null,
        o.node.clustered && t.partitions_here < t.partitions ? el("span", { class: "muted" }, " sizes of the " + t.partitions_here + " led here") : null]]),
    { id: "topics" });
    const groups = table([{ title: "Group" }, { title: "State" }, { title: "Members", num: true }, { title: "Lag", num: true }],
      o.groups.map((g) => [groupLink(g.group_id), g.state, num(g.members), num(g.total_lag)]), { id: "groups" });
    const q = o.quorum;
    $("content").replaceChildren(...[
      el("div", { class: "cards" }, card("this node", String(o.node.id)),
        card(o.node.clustered ? "cluster " + o.node.cluster_id : "single node", o.nodes.length + (o.nodes.length === 1 ? " broker" : " brokers")),
        card("topics", num(o.topics.length)), card("partitions", num(o.partitions)), card("consumer groups", num(o.groups.length)),
        q ? card("quorum (term " + q.term + ")", q.leader >= 0 ? "leader " + q.leader : "no leader") : null,
        q ? card("this node's role", q.role + (q.voter ? "" : " (learner)")) : null),
      section("nodes-section", "Nodes", nodes),
      section("topics-section", "Topics", topics,
        el("p", { class: "muted" }, "Rates over the last " + (o.rate_window_ms ? Math.round(o.rate_window_ms / 1000) + " s" : "sample (they appear after the second sample)") + ", counted by this node.")),
      section("groups-section", "Consumer groups", groups),
      o.complete ? null : el("p", { class: "error" }, "Some actors did not answer in time: the figures are incomplete.")].filter((x) => x));
  }

  // -- topic ----------------------------------------------------------------------------------------------
  function partitionsTable(t) {
    return table([{ title: "Partition", num: true }, { title: "Leader", num: true }, { title: "Replicas" }, { title: "ISR" },
      { title: "Log start", num: true }, { title: "Log end", num: true }, { title: "High watermark", num: true },
      { title: "Size", num: true }, { title: "Segments", num: true }, { title: "Status" }],
    t.partitions.map((p) => [String(p.partition), p.leader >= 0 ? String(p.leader) : "none", p.replicas.join(", "), p.isr.join(", "),
      num(p.log_start_offset), num(p.log_end_offset), num(p.high_watermark), bytes(p.size_bytes), num(p.segments),
      [p.offline ? badge("offline", "bad") : badge("online", "ok"), p.under_replicated ? badge("under-replicated", "bad") : null,
        p.offsets_here ? null : el("span", { class: "muted" }, " led by node " + p.leader)]]),
    { id: "partitions" });
  }

  function shown(v) {
    if (v === null) return el("span", { class: "muted" }, "null");
    const more = v.truncated ? " \u2026 (" + num(v.size) + " bytes)" : "";
    if (v.text !== undefined) return el("pre", { class: "value" }, v.text + more);
    return el("pre", { class: "value hex", title: "not printable UTF-8: hex" }, "0x" + v.hex + more);
  }

  function recordsTable(page) {
    return table([{ title: "Offset", num: true }, { title: "Timestamp" }, { title: "Key" }, { title: "Value" }, { title: "Headers" }],
      page.records.map((r) => [String(r.offset), r.timestamp >= 0 ? new Date(r.timestamp).toISOString() : String(r.timestamp),
        shown(r.key), shown(r.value),
        r.headers.map((h) => el("div", {}, shown(h.key), shown(h.value))).concat(r.headers_omitted ? [el("div", { class: "muted" }, "+" + r.headers_omitted + " more")] : [])]),
      { id: "records" });
  }

  async function topic() {
    const name = nameFromPath("/topics/");
    $("title").textContent = "Topic " + name;
    document.title = "samsa: topic " + name;
    const params = new URLSearchParams(location.search);
    const partitionsBox = el("div", {}, el("p", { class: "muted" }, "Loading..."));
    const configsBox = el("div");
    const part = el("select", { id: "browse-partition" });
    const offset = el("input", { id: "browse-offset", type: "number", min: 0, placeholder: "oldest" });
    const limit = el("input", { id: "browse-limit", type: "number", min: 1, max: 200, value: params.get("limit") || 20 });
    const status = el("span", { class: "muted", id: "browse-status" });
    const recordsBox = el("div", { id: "records-box" });
    let info = null;
    let next = null;
    let lastHw = null; // the high watermark the last page saw (the partition's leader answers it on a cluster)
    const load = async (from) => {
      const q = new URLSearchParams({ limit: limit.value || 20 });
      if (from !== null && from !== undefined && from !== "") q.set("offset", from);
      try {
        const page = await api("/api/topics/" + encodeURIComponent(name) + "/partitions/" + part.value + "/records?" + q);
        next = page.next_offset;
        lastHw = page.high_watermark;
        offset.value = page.from;
        status.textContent = page.records.length + " record(s) from offset " + page.from + " (log start " + num(page.log_start_offset) +
          ", high watermark " + num(page.high_watermark) + ")" +
          (page.compressed_batches.length ? "; " + page.compressed_batches.length + " compressed batch(es) not decoded" : "") +
          (page.malformed ? "; stopped at a batch that could not be decoded" : "");
        recordsBox.replaceChildren(recordsTable(page));
      } catch (e) {
        status.textContent = "";
        recordsBox.replaceChildren(el("p", { class: "error" }, e.message));
      }
    };
    const button = (text, id, fn) => { const b = el("button", { type: "button", id: id }, text); b.addEventListener("click", fn); return b; };
    const current = () => info && info.partitions.find((p) => String(p.partition) === part.value);
    const form = el("form", { class: "browse" },
      el("label", {}, "Partition ", part), el("label", {}, "Offset ", offset), el("label", {}, "Limit ", limit),
      button("Load", "browse-load", () => load(offset.value)),
      button("Oldest", "browse-oldest", () => load(null)),
      button("Newest", "browse-newest", () => {
        const p = current();
        const hw = p && p.high_watermark !== null ? p.high_watermark : lastHw;
        load(hw === null || hw < 0 ? null : Math.max((p && p.log_start_offset) || 0, hw - Number(limit.value || 20)));
      }),
      button("Next page", "browse-next", () => load(next)));
    form.addEventListener("submit", (e) => { e.preventDefault(); load(offset.value); });
    $("content").replaceChildren(section("partitions-section", "Partitions", partitionsBox),
      section("browse-section", "Records", form, status, recordsBox),
      section("configs-section", "Configuration", configsBox));
    let first = true;
    refreshing(async () => {
      info = await api("/api/topics/" + encodeURIComponent(name));
      partitionsBox.replaceChildren(partitionsTable(info),
        info.clustered ? el("p", { class: "muted" }, "Offsets and sizes are known on the partition's leader; records of other partitions are read through their leader.") : "");
      if (first) {
        first = false;
        part.replaceChildren(...info.partitions.map((p) => el("option", { value: p.partition }, String(p.partition))));
        if (params.has("partition")) part.value = params.get("partition");
        configsBox.replaceChildren(table([{ title: "Config" }, { title: "Value" }, { title: "Source" }],
          info.configs.map((c) => [c.name, c.sensitive ? "(sensitive)" : c.value === null ? "\u2014" : c.value, c.source]), { id: "configs" }));
        await load(params.get("offset"));
      }
    });
  }

  // -- groups ---------------------------------------------------------------------------------------------
  async function groups() {
    const g = await api("/api/groups");
    $("content").replaceChildren(table([{ title: "Group" }, { title: "State" }, { title: "Members", num: true },
      { title: "Topics" }, { title: "Partitions", num: true }, { title: "Lag", num: true }],
    g.groups.map((x) => [groupLink(x.group_id), x.state, num(x.members), x.topics.join(", "), num(x.partitions), num(x.total_lag)]), { id: "groups" }));
  }

  // A line per series ({label, points: [[t, v]...]}) over a shared time axis; the first series is drawn thicker.
  function lagChart(series) {
    const W = 720, H = 200, L = 56, R = 12, T = 12, B = 26;
    const svg = svgEl("svg", { class: "chart", id: "lag-chart", width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img" });
    const all = series.flatMap((s) => s.points);
    if (all.length < 2) {
      svg.append(svgEl("text", { x: L, y: H / 2 }, "collecting lag samples (one every 5 s)..."));
      return svg;
    }
    const t0 = Math.min(...all.map((p) => p[0])), t1 = Math.max(...all.map((p) => p[0]));
    const vmax = Math.max(1, ...all.map((p) => p[1]));
    const x = (t) => L + (t1 > t0 ? ((t - t0) / (t1 - t0)) * (W - L - R) : 0);
    const y = (v) => T + (1 - v / vmax) * (H - T - B);
    svg.append(svgEl("line", { x1: L, y1: y(0), x2: W - R, y2: y(0), stroke: "#ccc" }),
      svgEl("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#ccc" }),
      svgEl("text", { x: 4, y: T + 8 }, Number(vmax).toLocaleString("en-US")),
      svgEl("text", { x: 4, y: y(0) }, "0"),
      svgEl("text", { x: L, y: H - 6 }, new Date(t0).toLocaleTimeString()),
      svgEl("text", { x: W - R - 60, y: H - 6 }, new Date(t1).toLocaleTimeString()));
    series.forEach((s, i) => {
      const pts = s.points.map((p) => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" ");
      svg.append(svgEl("polyline", { points: pts, fill: "none", stroke: COLORS[i % COLORS.length], "stroke-width": i === 0 ? 2.5 : 1.2, "data-series": s.label }));
    });
    return svg;
  }

  async function group() {
    const name = nameFromPath("/groups/");
    $("title").textContent = "Consumer group " + name;
    document.title = "samsa: group " + name;
    refreshing(async () => {
      const g = await api("/api/groups/" + encodeURIComponent(name));
      const totals = new Map();
      for (const p of g.partitions) for (const [t, v] of p.history) totals.set(t, (totals.get(t) || 0) + v);
      const series = [{ label: "total", points: [...totals.entries()].sort((a, b) => a[0] - b[0]) }]
        .concat(g.partitions.slice(0, COLORS.length - 1).map((p) => ({ label: p.topic + "-" + p.partition, points: p.history })));
      const legend = el("div", { class: "legend" }, series.map((s, i) => el("span", {}, el("i", { style: "background:" + COLORS[i % COLORS.length] }), s.label)));
      $("content").replaceChildren(
        el("div", { class: "cards" }, card("state", g.state), card("members", num(g.members.length)), card("total lag", num(g.total_lag)),
          card("protocol", (g.protocol_type || "\u2014") + (g.protocol ? " / " + g.protocol : ""))),
        section("lag-section", "Lag", lagChart(series), legend),
        section("partitions-section", "Partitions", table([{ title: "Topic" }, { title: "Partition", num: true },
          { title: "Committed", num: true }, { title: "High watermark", num: true }, { title: "Lag", num: true }, { title: "Member" }],
        g.partitions.map((p) => [topicLink(p.topic), String(p.partition), num(p.committed_offset), num(p.high_watermark), num(p.lag),
          p.member_id || el("span", { class: "muted" }, "unassigned")]), { id: "group-partitions" })),
        section("members-section", "Members", table([{ title: "Member" }, { title: "Client id" }, { title: "Host" }, { title: "Assignment" }],
          g.members.map((m) => [m.member_id, m.client_id, m.client_host, m.assignment.map((a) => a.topic + "-" + a.partition).join(", ")]), { id: "members" })));
    });
  }

  // -- experiment reports ---------------------------------------------------------------------------------
  async function reports() {
    const r = await api("/api/reports");
    const when = (ms) => (ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) : "\u2014");
    const rows = r.reports.map((x) => [el("a", { href: x.url }, x.path || "(top)"), x.scenario || "\u2014",
      x.seed >= 0 ? String(x.seed) : "\u2014",
      x.passed === null ? badge("no summary") : x.passed ? badge("passed", "ok") : badge("failed", "bad"),
      x.faults_applied >= 0 ? num(x.faults_applied) : "\u2014", num(x.errors), when(x.time_ms)]);
    $("content").replaceChildren(...[
      el("p", { class: "muted" }, r.exists
        ? "Reports of samsa experiment run under " + r.directory + " (newest first)."
        : "No experiment reports: " + r.directory + " does not exist. samsa experiment run writes its runs there by default when started from the broker's working directory."),
      table([{ title: "Run" }, { title: "Scenario" }, { title: "Seed", num: true }, { title: "Verdict" },
        { title: "Faults", num: true }, { title: "Errors", num: true }, { title: "Written" }], rows, { id: "reports" }),
      r.truncated ? el("p", { class: "muted" }, "Only the newest " + r.reports.length + " runs are listed.") : null].filter((x) => x));
  }

  // One HTML shell serves every page: the path says which one.
  const path = location.pathname;
  const route = path === "/" || path === "/index.html" ? ["overview", "Overview", () => refreshing(overview)]
    : path === "/groups" || path === "/groups/" ? ["groups", "Consumer groups", () => refreshing(groups)]
    : path.startsWith("/groups/") ? ["group", "Consumer group", group]
    : path.startsWith("/topics/") ? ["topic", "Topic", topic]
    : path === "/reports" || path === "/reports/" ? ["reports", "Experiment reports", () => refreshing(reports)] : null;
  if (route) {
    document.body.dataset.page = route[0];
    $("title").textContent = route[1];
    document.title = "samsa: " + route[1].toLowerCase();
    route[2]();
  }
})();
