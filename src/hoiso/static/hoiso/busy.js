// The "busy" page sends the form again by itself after the delay it names.
document.querySelectorAll("form[data-resend]").forEach(function (form) {
  var seconds = parseInt(form.getAttribute("data-resend"), 10) || 3;
  window.setTimeout(function () { form.submit(); }, seconds * 1000);
});
