/* 地震烈度快速估算: the districts coloured by estimated intensity, the isoseismal outlines
   (ellipses along the strike; without it the long-axis circle, dashed, as the upper bound and
   the short-axis circle as the lower bound), the epicentre marked. */
(function () {
  'use strict';
  var el = document.getElementById('quake-map');
  var dataEl = document.getElementById('quake-data');
  if (!el || !dataEl || !window.echarts) { return; }
  var data = JSON.parse(dataEl.textContent);
  var ROMAN = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ', 'Ⅴ', 'Ⅵ', 'Ⅶ', 'Ⅷ', 'Ⅸ', 'Ⅹ', 'Ⅺ', 'Ⅻ'];
  var COLOURS = {5: '#3b8bd1', 6: '#2ca02c', 7: '#e6b800', 8: '#ff7a1a', 9: '#d7191c', 10: '#7a0000', 11: '#4a0000', 12: '#200000'};
  var BOUND = {upper: '上限(长轴)', lower: '下限(短轴)', ellipse: '椭圆'};
  // The box holding the districts AND every outline: ECharts fits the map's own extent into the
  // view, so an upper-bound circle reaching beyond the city was cut off at the chart's edge.
  function extend(box, c) {
    if (typeof c[0] === 'number') {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
      return;
    }
    c.forEach(function (x) { extend(box, x); });
  }
  function boundingCoords(geo, outlines, epicentre) {
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    (geo.features || []).forEach(function (f) { if (f.geometry) { extend(box, f.geometry.coordinates); } });
    outlines.forEach(function (o) { extend(box, o.coords); });
    if (epicentre && epicentre.length === 2) { extend(box, [epicentre[0], epicentre[1]]); }
    if (!isFinite(box[0])) { return null; }
    var padX = (box[2] - box[0]) * 0.04, padY = (box[3] - box[1]) * 0.04;
    return [[box[0] - padX, box[3] + padY], [box[2] + padX, box[1] - padY]];
  }
  fetch(el.getAttribute('data-geojson'), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      echarts.registerMap('lanzhou-quake', geo);
      var chart = echarts.init(el);
      var esc = window.yj.esc;  // the one escaping helper (static/yingji/yingji.js)
      var outlines = (data.outlines || []).map(function (o) {
        return {coords: o.coords, degree: o.degree, bound: o.bound,
          lineStyle: {color: COLOURS[o.degree] || '#333', width: 2, type: o.bound === 'upper' ? 'dashed' : 'solid'}};
      });
      var labels = (data.outlines || []).filter(function (o) { return o.bound !== 'lower'; }).map(function (o) {
        var c = o.coords[0];
        return {name: ROMAN[o.degree] + '度', value: [c[0], c[1]], degree: o.degree};
      });
      chart.setOption({
        tooltip: {formatter: function (p) {
          if (p.seriesName === 'epicentre') { return '震中'; }
          if (p.seriesName === 'outline') { return esc(ROMAN[p.data.degree] + '度 ' + BOUND[p.data.bound]); }
          if (p.seriesName === 'labels') { return esc(p.name); }
          if (p.seriesName === 'townships') { return esc(p.name + ':' + p.data.roman + '度(驻地)'); }
          var d = p.data || {};
          return esc(p.name) + ':' + esc(String(d.value || '—')) + '度(上限 ' + esc(String(d.upper)) + ',下限 ' + esc(String(d.lower)) + ')';
        }},
        visualMap: {min: 4, max: 10, calculable: false, orient: 'horizontal', left: 10, bottom: 10, seriesIndex: 0,
          text: ['高', '低'], inRange: {color: ['#fff5d6', '#ffc04d', '#ff7a1a', '#d7191c', '#7a0000']}},
        geo: {map: 'lanzhou-quake', roam: true, nameProperty: 'name', label: {show: true},
          boundingCoords: boundingCoords(geo, outlines, data.epicentre),
          top: 10, bottom: 50},
        series: [
          {type: 'map', geoIndex: 0, data: data.rows},
          {name: 'outline', type: 'lines', coordinateSystem: 'geo', polyline: true, silent: false, data: outlines, z: 5},
          {name: 'labels', type: 'scatter', coordinateSystem: 'geo', symbolSize: 1, data: labels, z: 6,
            label: {show: true, formatter: '{b}', color: '#000', fontWeight: 'bold', backgroundColor: 'rgba(255,255,255,0.7)'}},
          {name: 'townships', type: 'scatter', coordinateSystem: 'geo', symbol: 'circle', symbolSize: 9, z: 6,
            data: (data.townships || []).map(function (t) {
              return {name: t.name, value: t.value, roman: t.roman,
                itemStyle: {color: COLOURS[t.value[2]] || '#999', borderColor: '#000', borderWidth: 1}};
            })},
          {name: 'epicentre', type: 'scatter', coordinateSystem: 'geo', symbol: 'pin', symbolSize: 36,
            itemStyle: {color: '#000'}, data: [data.epicentre], z: 7}
        ]
      });
      el.setAttribute('data-outlines', String(outlines.length));
      el.setAttribute('data-townships', String((data.townships || []).length));
      window.addEventListener('resize', function () { chart.resize(); });
    });
}());
