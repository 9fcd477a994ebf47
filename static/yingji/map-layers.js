/* The map layers modules declare (yingji.core.hooks.MapLayer) drawn the same way on every map
   (安全生产风险图, 指挥一张图): a GeoJSON FeatureCollection of points whose properties carry
   label, url and style {symbol, size, color, border} becomes one ECharts scatter series; the
   tooltip is the escaped label (yj.tooltip); a click opens the record's url. */
(function () {
  'use strict';
  function getJSON(url) {
    return fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { if (!r.ok) { throw new Error(url + ' ' + r.status); } return r.json(); });
  }

  // the layer's URL with the map's filters (a query string without '?')
  function layerURL(url, query) {
    if (!query) { return url; }
    return url + (url.indexOf('?') < 0 ? '?' : '&') + query;
  }

  function series(name, collection, extra) {
    return Object.assign({name: name, type: 'scatter', coordinateSystem: 'geo', zlevel: 4,
      data: collection.features.map(function (f) {
        var st = f.properties.style || {};
        return {name: f.properties.name, value: f.geometry.coordinates, props: f.properties,
          symbol: st.symbol || 'pin', symbolSize: st.size || 10,
          itemStyle: {color: st.color || '#333', borderColor: st.border || '#fff', borderWidth: 1}};
      })}, extra || {});
  }

  function tooltip(p) { return window.yj.tooltip(p.data.props.label); }

  function open(p) {
    if (p.data && p.data.props && p.data.props.url) { window.location.href = p.data.props.url; }
  }

  window.yj.layers = {getJSON: getJSON, url: layerURL, series: series, tooltip: tooltip, open: open};
}());
