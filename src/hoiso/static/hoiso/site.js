// The few behaviours the pages need, kept out of the HTML so that the Content-Security-Policy
// allows no inline script: the markup says what it wants with data- attributes.
(function () {
  "use strict";
  // <form data-confirm="Delete this?">: ask before sending.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
    }
  });
  // <select data-autosubmit>: choosing a value shows it (a <noscript> button does without JS).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
  // <button data-check-all="present">: tick every box of that name in the button's form.
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-check-all]") : null;
    if (!button || !button.form) return;
    button.form.querySelectorAll('input[name="' + button.dataset.checkAll + '"]').forEach(
      function (box) { box.checked = true; }
    );
  });
})();
