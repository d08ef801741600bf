/** Standard-library top-level modules of Python 3.8 to 3.14 (server/data/python-stdlib.json, generated). */
import { nodeFileSystem as fs } from '../../io';
import { dataFile } from '../../dataFiles';

let all: Set<string> | undefined;

/** Whether a top-level module is in the standard library of any supported Python (a miss beats a false alarm). */
export function isStdlibModule(top: string): boolean {
  if (!all) {
    const json = JSON.parse(fs.readFile(dataFile('python-stdlib.json')) ?? '{"pythons":{}}') as { pythons: Record<string, string[]> };
    all = new Set([...Object.values(json.pythons).flat(), ...WITHOUT_STUBS, ...PYTHON2]);
  }
  return all.has(top);
}

/** Modules of CPython 3.8+ that typeshed (our source for the lists) has no stubs for. */
const WITHOUT_STUBS = ['dummy_threading', '_dummy_thread', '_dummy_threading', 'idlelib', 'test', 'lib2to3', 'turtledemo', '_testcapi', '_testinternalcapi', '_xxsubinterpreters', '_xxinterpchannels', 'xxsubtype', 'xxlimited', '_sysconfigdata'];

/**
 * Python 2.7's own modules that Python 3 renamed or removed (PEP 3108), and the interpreters'
 * built-ins (`__pypy__`, Jython's `java`): code that still supports them imports these under a
 * guard, and none is a distribution anyone should install.
 */
const PYTHON2 = [
  '__builtin__', '_winreg', 'anydbm', 'BaseHTTPServer', 'Bastion', 'CGIHTTPServer', 'ConfigParser', 'Cookie', 'cookielib', 'copy_reg',
  'cPickle', 'cProfile', 'cStringIO', 'commands', 'compiler', 'dbhash', 'dircache', 'DocXMLRPCServer', 'dumbdbm', 'dummy_thread', 'exceptions',
  'fpformat', 'gdbm', 'htmlentitydefs', 'HTMLParser', 'htmllib', 'httplib', 'hotshot', 'ihooks', 'imputil', 'md5', 'mhlib', 'mimetools',
  'MimeWriter', 'mimify', 'multifile', 'mutex', 'new', 'popen2', 'posixfile', 'Queue', 'repr', 'rexec', 'rfc822', 'robotparser',
  'ScrolledText', 'sets', 'sgmllib', 'sha', 'SimpleHTTPServer', 'SimpleXMLRPCServer', 'SocketServer', 'statvfs', 'StringIO', 'stringold',
  'strop', 'thread', 'Tix', 'Tkinter', 'tkColorChooser', 'tkCommonDialog', 'Tkconstants', 'Tkdnd', 'tkFileDialog', 'tkFont',
  'tkMessageBox', 'tkSimpleDialog', 'ttk', 'urllib2', 'urlparse', 'user', 'UserDict', 'UserList', 'UserString', 'whichdb', 'xmlrpclib',
  'xreadlines', 'dl', 'imageop', 'audiodev', 'sunaudio', 'sunaudiodev', 'SUNAUDIODEV', 'cd', 'al', 'AL', 'fl', 'FL', 'fm', 'gl', 'GL',
  'imgfile', 'jpeg', 'DEVICE', 'ic', 'MacOS', 'macostools', 'findertools', 'EasyDialogs', 'FrameWork', 'Carbon', 'aetools', 'aepack',
  'aetypes', 'applesingle', 'buildtools', 'cfmfile', 'icopen', 'macresource', 'Nav', 'PixMapWrapper', 'videoreader', 'W', 'os2emxpath',
  'riscospath', 'timing', 'toaiff', 'future_builtins', 'markupbase', 'urllib', 'unicodedata',
  '__pypy__', '_pypy_irc_topic', 'java', 'javax', 'jarray', 'org', 'com', 'IronPython', 'clr', 'System', '_winapi', 'msvcrt', 'nt', 'winreg', 'winsound',
];
