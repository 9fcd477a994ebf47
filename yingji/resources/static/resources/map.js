/* 应急物资储备一图: county boundaries and the sites layer (/api/v1/resources/geojson), each
   site a square sized by its stock; the filters reload the layer; the table lists the same. */
(function () {
  'use strict';
  var el = document.getElementById('resource-map');
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  var form = document.getElementById('map-filters');
  var tbody = document.querySelector('#resource-map-table tbody');

  function load() {
    var params = new URLSearchParams(new FormData(form));
    var chosen = params.get('layer');
    var layer = {equipment: 'data-equipment-layer', teams: 'data-teams-layer',
      shelters: 'data-shelters-layer'}[chosen] || 'data-layer';
    if (chosen === 'teams' || chosen === 'shelters') { params.delete('level'); }
    if (chosen && chosen !== 'sites') { params.delete('item'); }
    params.delete('layer');
    tableLinks(params);
    fetch(el.getAttribute(layer) + '?' + params.toString(), {credentials: 'same-origin'})
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var data = fc.features.map(function (f) {
          var p = f.properties;
          return {name: p.label, value: f.geometry.coordinates, url: p.url, symbolSize: p.style.size,
            symbol: p.style.symbol || 'rect',
            itemStyle: {color: p.style.color, borderColor: p.style.border, borderWidth: 2}};
        });
        chart.setOption({series: [{}, {data: data}]});
        tbody.textContent = '';
        fc.features.forEach(function (f) {
          var tr = document.createElement('tr');
          var a = document.createElement('a');
          a.href = f.properties.url; a.textContent = f.properties.name;
          var td = document.createElement('td'); td.appendChild(a); tr.appendChild(td);
          var p = f.properties;
          var held = p.item_quantity === undefined ? '' :
            p.item_quantity + ' ' + p.item_unit + '(' + p.item_available + ')';
          [p.level, String(p.total), held].forEach(function (t) {
            var c = document.createElement('td'); c.textContent = t; tr.appendChild(c);
          });
          tbody.appendChild(tr);
        });
        el.setAttribute('data-loaded', String(fc.features.length));
      });
  }

  // the 一表 of what the map shows: the stock list with the same county, level and item (and,
  // with an item, only the lines holding it: held=1), as a page, an Excel file and a print
  function tableLinks(params) {
    var q = new URLSearchParams();
    if (params.get('district')) { q.set('region', params.get('district')); }
    if (params.get('level')) { q.set('level', params.get('level')); }
    if (params.get('item')) { q.set('item', params.get('item')); q.set('held', '1'); }
    var page = document.getElementById('map-table-link');
    var base = page.getAttribute('data-base');
    page.href = base + '?' + q.toString();
    q.set('export', 'xlsx');
    document.getElementById('map-export-link').href = base + '?' + q.toString();
    q.delete('export');
    var print = document.getElementById('map-print-link');
    print.href = print.getAttribute('data-base') + '?' + q.toString();
  }

  // printing (打印一图): the filters in force under the heading, the map redrawn at the page's
  // width before the print and back afterwards (map-print.css lays the page out)
  function filtersText() {
    var parts = [];
    Array.prototype.forEach.call(form.querySelectorAll('select'), function (s) {
      var label = form.querySelector('label[for="' + s.id + '"]');
      parts.push((label ? label.textContent : s.name) + ' ' + s.options[s.selectedIndex].text);
    });
    return parts.join(',');
  }
  window.addEventListener('beforeprint', function () {
    document.getElementById('map-print-filters').textContent = filtersText();
    chart.resize({width: 1040, height: 560});
  });
  window.addEventListener('afterprint', function () { chart.resize(); });
  var button = document.getElementById('print-map');
  if (button) { button.addEventListener('click', function () { window.print(); }); }

  var gaps = [];
  // counties with an item below its reserve target: filled red (储备达标)
  fetch(el.getAttribute('data-coverage'), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (rows) {
      gaps = rows.map(function (c) {
        return {name: c.name, itemStyle: {areaColor: '#f5c2c7'}};
      });
    })
    .catch(function () { gaps = []; })
    .then(function () { return fetch(el.getAttribute('data-boundaries'), {credentials: 'same-origin'}); })
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      echarts.registerMap('lanzhou-resources', geo);
      chart.setOption({
        tooltip: {formatter: function (p) { return window.yj.esc(p.name); }},
        geo: {map: 'lanzhou-resources', roam: true, nameProperty: 'name', label: {show: true, color: '#555'},
          itemStyle: {areaColor: '#f1f5f9', borderColor: '#0b3d6e'}, regions: gaps},
        series: [
          {type: 'map', map: 'lanzhou-resources', geoIndex: 0, data: []},
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'rect', data: []}
        ]
      });
      chart.on('click', function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
      form.addEventListener('change', load);
      load();
    });
}());
