// `bottleneck/light.js` (what @octokit/plugin-throttling uses) ships no types of its own; its API is Bottleneck's.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
