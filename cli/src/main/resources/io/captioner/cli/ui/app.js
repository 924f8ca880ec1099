// The live page: one EventSource on /events; a "snapshot" event (re)draws everything, then each
// event adds one item. Text goes in through textContent only, never as HTML.
"use strict";
(function () {
  var MAX_CAPTIONS = 100, MAX_FAILURES = 50, MAX_TRAINING = 50;
  // Keys of what each list shows, so an event seen twice (in a snapshot and live) shows once; a
  // key leaves its set with its item, so the sets stay as small as the lists.
  var shown = new Set(), shownFailures = new Set(), shownRuns = new Set();
  var versions = {};
  var captionsSeen = 0, failuresSeen = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clearEmpty(list) {
    var empty = list.querySelector(".empty");
    if (empty) empty.remove();
  }
  function trim(list, max, keys) {
    while (list.children.length > max) {
      if (keys && list.lastChild.dataset) keys.delete(list.lastChild.dataset.key);
      list.removeChild(list.lastChild);
    }
  }
  function time(ms) { return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"); }

  function addCaption(c) {
    var key = c.id + "@" + c.model_version + "@" + c.captioned_time;
    if (shown.has(key)) return false;
    shown.add(key);
    var list = document.getElementById("captions");
    clearEmpty(list);
    var li = el("li", "caption");
    li.dataset.id = c.id;
    li.dataset.key = key;
    var img = el("img");
    img.alt = c.id;
    var retried = false;
    img.onerror = function () {
      // The image may not have been read yet when the caption arrives: try once more.
      if (!retried) { retried = true; setTimeout(function () { img.src = c.thumbnail + "&retry=1"; }, 1000); }
    };
    img.src = c.thumbnail;
    var body = el("div");
    body.appendChild(el("div", "text", c.caption));
    body.appendChild(el("div", "meta",
        c.id + " · " + c.model_name + " " + c.model_version + " · " + c.latency_ms + " ms · " + time(c.captioned_time)));
    li.appendChild(img);
    li.appendChild(body);
    list.insertBefore(li, list.firstChild);
    trim(list, MAX_CAPTIONS, shown);
    return true;
  }
  function addFailure(f) {
    var key = f.id + "@" + f.failure_time + "@" + f.reason;
    if (shownFailures.has(key)) return false;
    shownFailures.add(key);
    var list = document.getElementById("failures");
    clearEmpty(list);
    var li = el("li", "failure");
    li.dataset.key = key;
    li.appendChild(el("span", "reason", f.reason));
    li.appendChild(document.createTextNode(" " + (f.id === null ? "(no id)" : f.id) + ": " + f.message));
    li.appendChild(el("div", "meta", time(f.failure_time)));
    list.insertBefore(li, list.firstChild);
    trim(list, MAX_FAILURES, shownFailures);
    return true;
  }
  function addTraining(t) {
    var list = document.getElementById("training");
    clearEmpty(list);
    var d = t.decision;
    if (shownRuns.has(d.run_id)) return;
    shownRuns.add(d.run_id);
    var li = el("li", "decision");
    li.dataset.runId = d.run_id;
    li.dataset.key = d.run_id;
    li.appendChild(el("div", "caption", d.decision + (d.version ? " " + d.version : "") + " (" + d.trigger + ")"));
    var score = d.candidate == null ? "" : d.gate_metric + " " + d.candidate.toFixed(3) +
        (d.active == null ? "" : " vs active " + d.active.toFixed(3));
    li.appendChild(el("div", "meta", [score, d.reason || "", time(d.finished_time)].filter(Boolean).join(" · ")));
    list.insertBefore(li, list.firstChild);
    trim(list, MAX_TRAINING, shownRuns);
  }
  function metricsText(name, version) {
    var v = versions[name + "/" + version];
    if (!v) return "";
    var parts = Object.keys(v.metrics).map(function (k) { return k + " " + Number(v.metrics[k]).toFixed(3); });
    return parts.length ? " · " + parts.join(", ") : "";
  }
  var activations = {};
  function drawActive() {
    var list = document.getElementById("active");
    var names = Object.keys(activations);
    if (!names.length) return;
    list.textContent = "";
    names.sort().forEach(function (name) {
      var a = activations[name];
      var li = el("li", "activation");
      li.dataset.model = a.model_name;
      li.dataset.version = a.version;
      li.appendChild(el("strong", null, a.model_name + " " + a.version));
      li.appendChild(el("div", "meta",
          "activated " + time(a.activated_time) + (a.reason ? " · " + a.reason : "") +
          (a.signed ? " · signed" : "") + metricsText(a.model_name, a.version)));
      list.appendChild(li);
    });
  }
  function placeholder(id, text) {
    var list = document.getElementById(id);
    if (!list.children.length) list.appendChild(el("li", "empty", text));
  }
  function counts() {
    document.getElementById("caption-count").textContent = "(" + captionsSeen + " seen)";
    document.getElementById("failure-count").textContent = "(" + failuresSeen + " seen)";
  }

  function onSnapshot(s) {
    captionsSeen = s.captions_seen; failuresSeen = s.failures_seen;
    s.versions.forEach(function (v) { versions[v.model_name + "/" + v.version] = v; });
    s.active.forEach(function (a) { activations[a.model_name] = a; });
    s.captions.forEach(addCaption);
    s.failures.forEach(addFailure);
    s.training.forEach(addTraining);
    drawActive();
    counts();
  }

  function connect() {
    var source = new EventSource("/events");
    var status = document.getElementById("status");
    source.onopen = function () { status.textContent = "live"; status.className = ""; };
    source.onerror = function () { status.textContent = "disconnected, retrying…"; status.className = "down"; };
    source.addEventListener("snapshot", function (e) {
      // A reconnect brings a fresh snapshot: forget what the last one showed.
      document.getElementById("failures").textContent = "";
      document.getElementById("training").textContent = "";
      shownFailures.clear();
      shownRuns.clear();
      onSnapshot(JSON.parse(e.data));
      placeholder("failures", "none");
      placeholder("training", "no training runs yet");
    });
    source.addEventListener("caption", function (e) { if (addCaption(JSON.parse(e.data))) { captionsSeen++; counts(); } });
    source.addEventListener("failure", function (e) { if (addFailure(JSON.parse(e.data))) { failuresSeen++; counts(); } });
    source.addEventListener("training", function (e) { addTraining(JSON.parse(e.data)); });
    source.addEventListener("version", function (e) {
      var v = JSON.parse(e.data); versions[v.model_name + "/" + v.version] = v; drawActive();
    });
    source.addEventListener("activation", function (e) {
      var a = JSON.parse(e.data); activations[a.model_name] = a; drawActive();
    });
  }
  connect();
})();
