// The public vote: prove the device is a browser (proof of work), confirm the phone with a
// one-time code, then vote for entries with the signed pass the server gives back. The pass
// lives in sessionStorage and goes in a header, never in a cookie. Counts refresh every 10 s.
(function () {
  "use strict";
  var panel = document.querySelector("[data-vote-panel]");
  if (!panel) return;
  var contest = panel.dataset.contest;
  var passKey = "vote-pass:" + contest;
  var status = panel.querySelector("[data-vote-status]");
  var codeForm = panel.querySelector("[data-vote-code]");
  var confirmForm = panel.querySelector("[data-vote-confirm]");
  var answerInput = codeForm.querySelector("input[name=answer]");
  var sendButton = codeForm.querySelector("button");

  function device() {
    var id = localStorage.getItem("hoiso-device");
    if (!id) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return b.toString(16); }).join("");
      localStorage.setItem("hoiso-device", id);
    }
    return id;
  }
  function say(text, bad) {
    status.textContent = text || "";
    status.className = bad ? "vote-status error" : "vote-status";
  }
  function show(step) {
    panel.querySelectorAll("[data-step]").forEach(function (el) {
      el.hidden = el.dataset.step !== step;
    });
  }
  function solve() {
    answerInput.value = "";
    sendButton.disabled = true;
    fetch(panel.dataset.challengeUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (c) {
        var worker = new Worker(panel.dataset.workerUrl);
        worker.onmessage = function (e) {
          worker.terminate();
          if (e.data.number === null) return solve();
          var answer = { algorithm: c.algorithm, challenge: c.challenge, number: e.data.number,
                         salt: c.salt, signature: c.signature };
          answerInput.value = btoa(JSON.stringify(answer));
          sendButton.disabled = false;
        };
        worker.postMessage(c);
      });
  }
  function post(form) {
    var data = new FormData(form);
    data.append("device", device());
    return fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.json(); });
  }
  function ready() {
    var held = sessionStorage.getItem(passKey);
    if (held) {
      show("ready");
    } else {
      show("phone");
      solve();
    }
    return held;
  }

  codeForm.addEventListener("submit", function (e) {
    e.preventDefault();
    sendButton.disabled = true;
    post(codeForm).then(function (r) {
      say(r.message, !r.ok);
      if (r.ok) {
        confirmForm.querySelector("input[name=phone]").value = r.phone;
        show("code");
        confirmForm.querySelector("input[name=code]").focus();
      } else {
        solve();  // an answer counts once: the next try needs a new one
      }
    });
  });
  confirmForm.addEventListener("submit", function (e) {
    e.preventDefault();
    post(confirmForm).then(function (r) {
      say(r.message, !r.ok);
      if (r.ok) {
        sessionStorage.setItem(passKey, r.pass);
        show("ready");
      }
    });
  });
  panel.querySelectorAll("[data-vote-restart]").forEach(function (b) {
    b.addEventListener("click", function () {
      sessionStorage.removeItem(passKey);
      say("");
      ready();
    });
  });

  function setCount(entry, votes) {
    // The entry card's count (#votes-<pk>, the contests page) or any element marked for it.
    var found = '#votes-' + entry + ' strong, [data-vote-count="' + entry + '"]';
    document.querySelectorAll(found).forEach(function (el) {
      el.textContent = Number(votes).toLocaleString("vi-VN");
    });
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-vote-url]") : null;
    if (!button) return;
    var held = sessionStorage.getItem(passKey);
    var note = button.parentNode.querySelector("[data-vote-note]");
    if (!held) {
      panel.scrollIntoView({ block: "center" });
      var phone = codeForm.querySelector("input[name=phone]");
      if (phone) phone.focus();
      say(panel.dataset.needPhone, true);
      return;
    }
    button.disabled = true;
    fetch(button.dataset.voteUrl, {
      method: "POST",
      credentials: "omit",
      headers: { "X-Vote-Pass": held, "X-Vote-Device": device() },
    }).then(function (r) {
      if (r.status === 403) sessionStorage.removeItem(passKey);
      return r.json();
    }).then(function (r) {
      button.disabled = false;
      if (note) {
        note.textContent = r.message;
        note.className = r.ok ? "vote-note" : "vote-note error";
      }
      if (r.votes !== undefined) setCount(button.dataset.voteEntry, r.votes);
      if (!sessionStorage.getItem(passKey)) ready();
    });
  });

  function refresh() {
    if (document.hidden) return;
    fetch(panel.dataset.countsUrl, { credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (r) {
        Object.keys(r.counts).forEach(function (entry) { setCount(entry, r.counts[entry]); });
      });
  }
  setInterval(refresh, 10000);
  ready();
})();
