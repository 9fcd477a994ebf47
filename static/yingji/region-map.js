/* 县区边界地图: the bundled boundaries from /api/v1/regions/boundaries. */
(function () {
  'use strict';
  var el = document.getElementById('map');
  if (!el || !window.echarts) { return; }
  fetch(el.getAttribute('data-geojson'), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      echarts.registerMap('lanzhou', geo);
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: {formatter: function (p) { return window.yj.esc(p.name); }},
        series: [{type: 'map', map: 'lanzhou', nameProperty: 'name', roam: true, label: {show: true},
          itemStyle: {areaColor: '#e7eef6', borderColor: '#0b3d6e'}, emphasis: {itemStyle: {areaColor: '#ffd400'}},
          data: geo.features.map(function (f) { return {name: f.properties.name, code: f.properties.code}; })}]
      });
      chart.on('click', function (p) {
        if (p.data && p.data.code) { window.location.href = '/regions/' + encodeURIComponent(p.data.code) + '/'; }
      });
    });
}());
