'use strict'
// Loads the native addon through the napi-rs loader (native.js). When no addon can be
// loaded, throws one error that names this platform and says what to install or run.

const { name, version, optionalDependencies = {} } = require('./package.json')

/** This platform in the napi-rs spelling of the platform packages: `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`. */
function platformName() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
    return `linux-${arch}-${report?.header?.glibcVersionRuntime ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

/** Whether a package can be resolved from here. */
function installed(pkg) {
  try {
    require.resolve(`${pkg}/package.json`)
    return true
  } catch {
    return false
  }
}

/** The error for an addon that could not be loaded, with what to do about it. */
function loadError(cause) {
  const platform = platformName()
  const pkg = `${name}-${platform}`
  const where = `${platform}, Node ${process.version}`
  const build = 'To build the addon from a checkout of larkmsg instead (needs Rust): cd bindings-node && npm ci && npm run build'
  let message
  if (installed(pkg)) {
    message =
      `${name}: the native addon in ${pkg} failed to load (${where}): ${cause?.cause?.message ?? cause?.message}\n` +
      `Reinstall it with the same version as ${name}: npm install ${pkg}@${version}`
  } else if (pkg in optionalDependencies) {
    message =
      `${name}: the native addon for this platform is missing (${where}).\n` +
      `It comes in the package ${pkg}, an optional dependency of ${name} that was not installed ` +
      '(optional dependencies omitted with --omit=optional or --no-optional, or a lockfile made on another platform). Install it:\n' +
      `  npm install ${pkg}@${version}`
  } else if (Object.keys(optionalDependencies).length > 0) {
    message =
      `${name}: there is no prebuilt native addon for this platform (${where}); prebuilt: ` +
      `${Object.keys(optionalDependencies).map((dep) => dep.slice(name.length + 1)).join(', ')}.\n${build}`
  } else {
    message =
      `${name}: no native addon was built in this checkout for this platform (${where}); ` +
      `the published package gets it from ${pkg}.\n${build}`
  }
  return new Error(message, { cause })
}

try {
  module.exports = require('./native.js')
} catch (error) {
  throw loadError(error)
}
