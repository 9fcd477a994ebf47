/* An event's place and, within the chosen radius, the enterprises, major hazard units,
   shelters, resource sites and rescue teams the user may see (one series per kind). */
(function () {
  'use strict';
  var el = document.getElementById('event-map');
  var source = document.getElementById('event-map-data');
  if (!el || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  fetch(el.getAttribute('data-boundaries'), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      echarts.registerMap('lanzhou-event', geo);
      var here = [data.event.lon, data.event.lat];
      var zoom = data.radius_km <= 3 ? 10 : data.radius_km <= 10 ? 6 : data.radius_km <= 20 ? 4 : 2;
      var series = data.kinds.map(function (k) {
        return {type: 'scatter', coordinateSystem: 'geo', name: k.label, symbol: k.symbol, symbolSize: 10,
          itemStyle: {color: k.colour, borderColor: '#fff', borderWidth: 1},
          data: k.items.map(function (s) {
            return {name: k.label + ':' + s.name + ' · ' + s.distance_km + ' 公里', value: [s.lon, s.lat]};
          })};
      });
      series.push({type: 'scatter', coordinateSystem: 'geo', name: '事发位置', symbol: 'pin', symbolSize: 32,
        itemStyle: {color: '#dc3545'}, data: [{name: data.event.name, value: here}]});
      chart.setOption({
        tooltip: {formatter: function (p) { return window.yj.esc(p.name || ''); }},
        legend: {top: 4, left: 4, textStyle: {fontSize: 11}},
        geo: {map: 'lanzhou-event', roam: true, center: here, zoom: zoom, nameProperty: 'name',
          label: {show: true, color: '#555'}, itemStyle: {areaColor: '#f1f5f9', borderColor: '#0b3d6e'}},
        series: series
      });
      var shown = data.kinds.reduce(function (n, k) { return n + k.items.length; }, 0);
      el.setAttribute('data-loaded', String(shown));
    });
}());
