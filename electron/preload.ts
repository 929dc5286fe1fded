import { contextBridge } from 'electron';

// The typed window.lab bridge is filled in by the lab service (issue 3).
contextBridge.exposeInMainWorld('lab', {});
