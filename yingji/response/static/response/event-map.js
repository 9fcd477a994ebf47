/* An event's place and the resource sites (储备库/点) within the radius, nearest first. */
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
      chart.setOption({
        tooltip: {formatter: function (p) { return window.yj.esc(p.name || ''); }},
        geo: {map: 'lanzhou-event', roam: true, center: here, zoom: 4, nameProperty: 'name',
          label: {show: true, color: '#555'}, itemStyle: {areaColor: '#f1f5f9', borderColor: '#0b3d6e'}},
        series: [
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'rect', symbolSize: 11, itemStyle: {color: '#198754'},
            data: data.sites.map(function (s) { return {name: s.name + ' · ' + s.distance_km + ' 公里', value: [s.lon, s.lat]}; })},
          {type: 'scatter', coordinateSystem: 'geo', symbol: 'pin', symbolSize: 32, itemStyle: {color: '#dc3545'},
            data: [{name: data.event.name, value: here}]}
        ]
      });
      el.setAttribute('data-loaded', String(data.sites.length));
    });
}());
