// The report's only script: the "Copy Markdown" button of the model-card section.
// It runs under the page's Content-Security-Policy, which allows this exact text (by its
// hash) and nothing else.
document.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('button[data-copy]');
  if (!b) return;
  var t = document.getElementById(b.getAttribute('data-copy')).textContent;
  var ok = function () { b.textContent = 'Copied'; };
  var no = function () { b.textContent = 'Select the text and copy it'; };
  if (navigator.clipboard) { navigator.clipboard.writeText(t).then(ok, no); } else { no(); }
});
