import { app } from '@azure/functions';
import { onRefreshTimer, refreshTimerSchedule } from '../shared/app/refresh-timer-trigger';

app.timer('refresh-timer', {
  // `%REFRESH_TIMER_SCHEDULE%` when that setting is set, else every five minutes.
  schedule: refreshTimerSchedule(),
  handler: (_timer, invocation) => onRefreshTimer(invocation),
});
