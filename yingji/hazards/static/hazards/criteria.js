// 登记隐患: the criterion select shows only the 判定标准 of the selected enterprise's industry
// (a public place: 燃气 or 消防 by the hazard's category). The server checks it again.
(function () {
  "use strict";
  var ent = document.getElementById("f-ent");
  var cat = document.getElementById("f-cat") || document.querySelector("select[name=category]");
  var sel = document.getElementById("f-criterion");
  if (!ent || !sel) return;
  var byCategory = { gas: "gas", fire: "fire" };
  function industry() {
    var opt = ent.options[ent.selectedIndex];
    if (opt && opt.value) return opt.getAttribute("data-industry") || "";
    return cat ? byCategory[cat.value] || "" : "";
  }
  function update() {
    var wanted = industry();
    var groups = sel.querySelectorAll("optgroup");
    for (var i = 0; i < groups.length; i++) {
      var on = groups[i].getAttribute("data-industry") === wanted;
      groups[i].hidden = !on;
      groups[i].disabled = !on;
    }
    var chosen = sel.options[sel.selectedIndex];
    if (chosen && chosen.parentNode.tagName === "OPTGROUP" && chosen.parentNode.disabled) {
      sel.value = "";
    }
  }
  ent.addEventListener("change", update);
  if (cat) cat.addEventListener("change", update);
  update();
})();
