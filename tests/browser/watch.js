// Installed in every page before Streamlit's own scripts (browser_support.WATCH_SCRIPT).
// The watcher reads Streamlit's own messages on the page's WebSocket (see conftest.py's
// docstring): BackMsg.rerun_script (field 11) carries a ClientState whose is_auto_rerun
// (field 6) marks a fragment timer's request; ForwardMsg.new_session (field 4) starts a run,
// whose metadata (2) -> run (6) -> fragment_ids (2) names the fragments of a fragment run;
// ForwardMsg.script_finished (field 6) ends one, FINISHED_EARLY_FOR_RERUN (2) continuing the
// chain (st.rerun, a request that arrived mid-run).
(() => {
  if (window.__stWatch) return;
  // requested: reruns asked for by the student (not a fragment's timer); answered: how many of
  // them a run chain started after the request has ended; started / finished: runs begun and
  // chains ended on the server; last: when the script state or a run last changed.
  // document: this document's own mark, so counts taken before a reload are not compared
  const w = window.__stWatch = {requested: 0, auto: 0, answered: 0, started: 0, finished: 0,
                                asked: null, last: performance.now(), document: Math.random()};
  const fields = (bytes, from = 0, to = bytes.length) => {
    const out = [];
    let i = from;
    const varint = () => {
      let value = 0, scale = 1, b;
      do { b = bytes[i++]; value += (b & 0x7f) * scale; scale *= 128; } while (b & 0x80 && i < to);
      return value;
    };
    while (i < to) {
      const key = varint(), no = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) out.push({no, value: varint()});
      else if (wire === 2) { const n = varint(); out.push({no, from: i, to: i + n}); i += n; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else break;
    }
    return out;
  };
  const field = (list, no) => list.find(f => f.no === no);
  const asBytes = data => data instanceof ArrayBuffer ? new Uint8Array(data)
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;

  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const bytes = asBytes(data);
    const rerun = bytes && field(fields(bytes), 11);
    if (rerun) {
      const state = fields(bytes, rerun.from, rerun.to);
      const auto = field(state, 6);
      if (auto && auto.value) w.auto++;
      else {
        w.requested++;
        // a run counts as this request's only if it starts after it, and of its kind
        w.asked = {started: w.started, fragment: !!field(state, 5)};
      }
    }
    return send.call(this, data);
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        const bytes = asBytes(event.data);
        if (!bytes) return;
        const top = fields(bytes);
        if (field(top, 4)) {
          const meta = field(top, 2);
          const run = meta && field(fields(bytes, meta.from, meta.to), 6);
          const fragment = !!run && fields(bytes, run.from, run.to).some(f => f.no === 2);
          w.started++;
          const asked = w.asked;
          if (asked && asked.fragment === fragment && asked.start === undefined) asked.start = w.started;
          w.last = performance.now();
        }
        const finished = field(top, 6);
        if (finished && finished.value !== 2) {
          w.finished++;
          if (w.asked && w.asked.start !== undefined) w.answered = w.requested;
          w.last = performance.now();
        }
      });
    }
  };
  new MutationObserver(records => {
    for (const r of records) {
      const el = r.target;
      if (el.getAttribute && el.getAttribute('data-testid') === 'stApp'
          && el.getAttribute(r.attributeName) !== r.oldValue) w.last = performance.now();
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state', 'data-test-connection-state']});
})();
