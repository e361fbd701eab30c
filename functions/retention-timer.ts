import { app } from '@azure/functions';
import { onRetentionTimer, retentionTimerSchedule } from '../shared/app/retention-timer-trigger';

app.timer('retention-timer', {
  // `%RETENTION_TIMER_SCHEDULE%` when that setting is set, else daily at 03:30 UTC.
  schedule: retentionTimerSchedule(),
  handler: (_timer, invocation) => onRetentionTimer(invocation),
});
