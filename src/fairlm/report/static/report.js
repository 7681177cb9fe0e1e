// The report's only script. It runs under the page's Content-Security-Policy, which
// allows this exact text (by its hash) and nothing else.
// 1. The "Copy Markdown" button of the model-card section.
// 2. A link to a place inside folded sections (a glossary term, say) opens them first.
function openAround(id) {
  var t = id && document.getElementById(id);
  for (var d = t; d; d = d.parentElement) { if (d.tagName === 'DETAILS') d.open = true; }
  return t;
}
document.addEventListener('click', function (e) {
  var a = e.target.closest && e.target.closest('a[href^="#"]');
  if (a) { openAround(decodeURIComponent(a.getAttribute('href').slice(1))); return; }
  var b = e.target.closest && e.target.closest('button[data-copy]');
  if (!b) return;
  var t = document.getElementById(b.getAttribute('data-copy')).textContent;
  var ok = function () { b.textContent = 'Copied'; };
  var no = function () { b.textContent = 'Select the text and copy it'; };
  if (navigator.clipboard) { navigator.clipboard.writeText(t).then(ok, no); } else { no(); }
});
if (location.hash) {
  var t = openAround(decodeURIComponent(location.hash.slice(1)));
  if (t) t.scrollIntoView();
}
