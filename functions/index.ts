import { startApp } from '../shared/app/app-start';

// Loaded before every other function file (the bundle puts it first).
startApp();
