// "J'ai animé cet atelier" on a kit page: fills the query of the link to the forge's new-issue
// page with a ready YAML entry for the kit's `field_reports`, as the visitor types. Nothing is
// sent anywhere: the visitor follows the link (or not). Without JavaScript the link carries a
// template to fill on the forge.
(function () {
  "use strict";
  var box = document.querySelector(".field-report-form");
  if (!box || !window.URL || !window.URLSearchParams) return;
  var link = box.querySelector(".report-link");
  var d = box.dataset;
  function value(name) {
    var input = box.querySelector('[data-report="' + name + '"]');
    return input ? input.value.trim() : "";
  }
  // A JSON string is a YAML double-quoted scalar.
  function entry() {
    var parts = ["date: " + (value("date") || "YYYY-MM-DD"), "place: " + JSON.stringify(value("place"))];
    var n = parseInt(value("participants"), 10);
    if (n > 0) parts.push("participants: " + n);
    if (value("by")) parts.push("by: " + JSON.stringify(value("by")));
    if (value("comment")) parts.push("comment: " + JSON.stringify(value("comment")));
    return "  - {" + parts.join(", ") + "}";
  }
  function update() {
    var url = new URL(d.issueBase);
    url.searchParams.set(d.titleParam, d.title);
    url.searchParams.set(d.bodyParam, d.intro + "\n\n```yaml\n" + entry() + "\n```\n");
    link.href = url.href;
  }
  box.addEventListener("input", update);
  update();
})();
