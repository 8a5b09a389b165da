// The proof of work (ALTCHA's scheme), off the page's thread: find the number n, from 0 up to
// maxnumber, for which SHA-256(salt + n) is the challenge. SubtleCrypto does the hashing.
"use strict";
self.onmessage = async function (e) {
  var c = e.data;
  var enc = new TextEncoder();
  var hex = function (buf) {
    return Array.prototype.map.call(new Uint8Array(buf), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  };
  for (var n = 0; n <= c.maxnumber; n++) {
    var digest = await crypto.subtle.digest("SHA-256", enc.encode(c.salt + n));
    if (hex(digest) === c.challenge) {
      self.postMessage({ number: n });
      return;
    }
  }
  self.postMessage({ number: null });
};
